import { Rng } from '../random/index.ts';

/**
 * The fixed subsample of an eval set a search scores candidates on: `n` rows drawn with `seed`
 * (the package's generator), kept in their original order. All rows when there are at most `n`.
 */
export function subsampleRows<T>(rows: readonly T[], n: number, seed: number): T[] {
  if (rows.length <= n) return [...rows];
  const order = new Rng(seed).shuffle(rows.map((_, i) => i));
  return order
    .slice(0, n)
    .sort((a, b) => a - b)
    .map((i) => rows[i] as T);
}
