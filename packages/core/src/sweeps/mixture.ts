// Two-way sweeps: training subsets of a given size with a given share of synthetic rows.
import { InputError } from '../errors/index.ts';
import { Rng } from '../random/index.ts';

export interface MixtureRow {
  source: 'real' | 'synthetic';
}

/**
 * The largest training size every share of the grid can be drawn at: a share s needs s·N synthetic
 * and (1 − s)·N real rows, so N = min over the grid of synthetic / s (s > 0) and real / (1 − s)
 * (s < 1). At fraction 1 every share trains on the same N rows, so the curves are comparable size
 * for size; fraction f trains on round(f·N).
 */
export function mixtureSize(counts: { real: number; synthetic: number }, shares: readonly number[]): number {
  if (shares.length === 0) throw new InputError('a two-way sweep needs at least one synthetic share');
  let n = Number.POSITIVE_INFINITY;
  for (const s of shares) {
    if (s > 0) n = Math.min(n, counts.synthetic / s);
    if (s < 1) n = Math.min(n, counts.real / (1 - s));
  }
  return Math.floor(n);
}

/**
 * A seeded training subset of round(fraction · N) rows, round(share · n) of them synthetic and the
 * rest real (N from `mixtureSize` over the whole grid, so every cell of the sweep can be filled).
 * Refused, naming the shortfall, when the rows cannot fill it. The same rows, cell and seed always
 * give the same subset; rows keep their input order.
 */
export function drawMixture<R extends MixtureRow>(
  rows: readonly R[],
  cell: { fraction: number; share: number; shares: readonly number[]; seed: number },
): R[] {
  const real = rows.filter((r) => r.source === 'real');
  const synthetic = rows.filter((r) => r.source === 'synthetic');
  const grid = cell.shares.includes(cell.share) ? cell.shares : [...cell.shares, cell.share];
  const total = mixtureSize({ real: real.length, synthetic: synthetic.length }, grid);
  const n = Math.round(cell.fraction * total);
  const nSynthetic = Math.round(cell.share * n);
  const nReal = n - nSynthetic;
  if (n < 1) {
    throw new InputError(
      `the training rows (${real.length} real, ${synthetic.length} synthetic) cannot hold synthetic shares ` +
        `${grid.map((s) => `${Math.round(s * 100)} %`).join(', ')}: a two-way sweep needs both kinds of rows`,
    );
  }
  const rng = new Rng(cell.seed + 1);
  const pick = (pool: readonly R[], k: number) => new Set(rng.shuffle(pool.slice()).slice(0, k));
  const chosen = new Set([...pick(real, nReal), ...pick(synthetic, nSynthetic)]);
  return rows.filter((r) => chosen.has(r));
}
