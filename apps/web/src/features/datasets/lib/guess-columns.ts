/** Pre-selects the likely text and label columns from names and the preview (the user can change them). */
export function guessColumns(
  columns: readonly string[],
  preview: readonly string[][],
): { text?: string; label?: string } {
  const byName = (names: string[]) => columns.find((column) => names.includes(column.toLowerCase()));
  const averageLength = (i: number) =>
    preview.reduce((sum, row) => sum + (row[i]?.length ?? 0), 0) / Math.max(preview.length, 1);
  const numeric = (i: number) =>
    preview.length > 0 && preview.every((row) => row[i] !== '' && Number.isFinite(Number(row[i])));
  let text = byName(['text', 'sentence', 'transcript', 'content', 'body', 'document', 'input']);
  if (!text) {
    let best = -1;
    columns.forEach((column, i) => {
      if (!numeric(i) && averageLength(i) > best) {
        best = averageLength(i);
        text = column;
      }
    });
  }
  let label = byName(['label', 'score', 'rating', 'target', 'y', 'class', 'labels']);
  // Label columns usually come last; ids usually first.
  if (!label) label = columns.findLast((column, i) => column !== text && numeric(i));
  return { text, label: label === text ? undefined : label };
}
