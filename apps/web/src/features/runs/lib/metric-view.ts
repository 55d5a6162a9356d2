// What a summary of metrics may show without misleading: strict accuracy only where labels are
// whole numbers, references named by class, and a title that says which rows were scored.
import { metricDefined } from '@tunelab/core/metrics';
import { prisma } from '@tunelab/db';

/** Strict accuracy only where it is defined (whole-number labels): the core's `metricDefined`. */
export function shownMetric(key: string, task: string | null | undefined, integerLabels: boolean): boolean {
  return metricDefined(key, task, { integer: integerLabels });
}

/** "majority class (0)" → "majority class (negative)" when the class names are known. */
export function referenceName(kind: string, classes: readonly string[] | null | undefined): string {
  if (!classes) return kind;
  return kind.replace(/\((\d+)\)/, (whole, index: string) => {
    const name = classes[Number(index)];
    return name === undefined ? whole : `(${name})`;
  });
}

/** Which rows a run's final metrics describe: pretraining reports training metrics only. */
export function metricsTitle(
  kind: string,
  split: string | null | undefined,
  rows: number | undefined,
): string {
  if (kind === 'pretrain') return 'Final training metrics';
  const set = split && split !== 'eval' ? `${split} split` : 'eval set';
  return `Final metrics (${set}${rows ? `, ${rows} rows` : ''})`;
}

const integerLabels = new Map<string, boolean>();

/**
 * Whether every label of a dataset is a whole number (rating scales; classification indices).
 * Labels never change once a dataset is ready, so the answer is kept per ready dataset (one scan
 * of its rows per process instead of one per page view).
 */
export async function hasIntegerLabels(datasetId: string): Promise<boolean> {
  const known = integerLabels.get(datasetId);
  if (known !== undefined) return known;
  const [row] = await prisma.$queryRaw<{ ints: boolean | null; ready: boolean | null }[]>`
    SELECT bool_and(label = round(label)) AS ints,
      (SELECT status = 'ready' FROM "Dataset" WHERE id = ${datasetId}) AS ready
    FROM "DatasetRow" WHERE "datasetId" = ${datasetId}`;
  const ints = row?.ints !== false;
  if (row?.ready) {
    integerLabels.set(datasetId, ints);
    if (integerLabels.size > 1000) integerLabels.delete(integerLabels.keys().next().value as string);
  }
  return ints;
}
