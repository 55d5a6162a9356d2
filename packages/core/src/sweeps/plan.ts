// The grid of a sweep: which runs it is made of, and what tells them apart.
import { InputError } from '../errors/index.ts';

/** One run of a sweep: a training fraction, an optional synthetic share, a seed. */
export interface SweepCell {
  fraction: number;
  /** Share of synthetic rows in the training subset (two-way sweeps); null = rows as they come. */
  share: number | null;
  seed: number;
}

/**
 * Every (fraction, share, seed) of a sweep, fractions outermost, then shares, then seeds. Without
 * shares it is the one-way grid fraction × seed (share null). Duplicates are dropped; fractions
 * must lie in (0, 1], shares in [0, 1].
 */
export function sweepCells(grid: {
  fractions: readonly number[];
  shares?: readonly number[] | null;
  seeds: readonly number[];
}): SweepCell[] {
  const fractions = [...new Set(grid.fractions)].sort((a, b) => a - b);
  const shares = grid.shares?.length ? [...new Set(grid.shares)].sort((a, b) => a - b) : [null];
  const seeds = [...new Set(grid.seeds)];
  for (const f of fractions) if (!(f > 0 && f <= 1)) throw new InputError(`fraction ${f} must lie in (0, 1]`);
  for (const s of shares)
    if (s !== null && !(s >= 0 && s <= 1)) throw new InputError(`synthetic share ${s} must lie in [0, 1]`);
  return fractions.flatMap((fraction) =>
    shares.flatMap((share) => seeds.map((seed) => ({ fraction, share, seed }))),
  );
}

/** The same cell (a retried launch must not create a run twice). */
export function sameCell(
  a: SweepCell,
  b: { fraction: number | null; share?: number | null; seed: number | null },
) {
  return a.fraction === b.fraction && a.share === (b.share ?? null) && a.seed === b.seed;
}

/** What differs between a sweep's runs, for names and error messages: "fraction 0.25, share 50 %, seed 1". */
export function cellLabel(cell: {
  fraction: number | null;
  share?: number | null;
  seed: number | null;
}): string {
  return [
    `fraction ${cell.fraction}`,
    ...(cell.share === null || cell.share === undefined ? [] : [`share ${percent(cell.share)}`]),
    `seed ${cell.seed}`,
  ].join(', ');
}

/** 0.25 → "25 %" (three significant digits). */
export function percent(share: number): string {
  return `${Number((share * 100).toPrecision(3))} %`;
}
