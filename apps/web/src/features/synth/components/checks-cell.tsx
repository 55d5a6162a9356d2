import type { TTextCheck } from '@tunelab/core/synth';

/** The checks of one generated text, as short flags. */
export function ChecksCell({ checks }: { checks: unknown }) {
  const c = checks as TTextCheck | null;
  if (!c) return <span className="muted small">—</span>;
  const flags: string[] = [];
  if (c.copiedFewShot) flags.push('copied a few-shot example');
  else if (c.nearDuplicateOfReal)
    flags.push(`near-duplicate of a real row (${c.nearestReal?.similarity.toFixed(2)})`);
  if (c.duplicateOf) flags.push(`duplicate of another text (${c.duplicateOf.similarity.toFixed(2)})`);
  if (c.lengthOutlier) flags.push(`length ${c.words} words is unusual for the real rows`);
  return (
    <span className={flags.length ? 'small' : 'muted small'} data-testid="text-checks">
      {flags.length ? flags.join('; ') : `ok · ${c.words} words`}
    </span>
  );
}
