import { seededRandom } from '../random/index.ts';
import type { TDatasetRowInput, TSplit, TTask } from './schemas.ts';

/** 8 train, 1 eval, 1 test out of every 10 consecutive rows of the stratified order. */
const PATTERN: readonly TSplit[] = [
  'train',
  'train',
  'train',
  'eval',
  'train',
  'train',
  'train',
  'test',
  'train',
  'train',
];

/**
 * Seeded stratified 80/10/10 split, written onto `rows` in place.
 *
 * Rows are ordered by stratum (class, or rounded label for regression; quantile bins when labels
 * are continuous), shuffled within it, and dealt a repeating train/eval/test pattern. Every stratum
 * is thus spread over the three splits in proportion, and the global ratios are exact up to one
 * row per stratum.
 */
export { seededRandom };

export function assignSplits(rows: TDatasetRowInput[], options: { task: TTask; seed: number }): void {
  const random = seededRandom(options.seed);
  const strata = labelStrata(rows, options.task);
  const order = rows.map((_, i) => ({ i, stratum: strata[i] ?? 0, key: random() }));
  order.sort((a, b) => a.stratum - b.stratum || a.key - b.key);
  const offset = Math.floor(random() * PATTERN.length);
  order.forEach((entry, position) => {
    const row = rows[entry.i];
    if (row) row.split = PATTERN[(position + offset) % PATTERN.length] ?? 'train';
  });
}

/**
 * Stratum of each row for stratified sampling: the class, the rounded label (≤ 50 distinct values),
 * else one of 10 quantile bins, so continuous labels still spread evenly.
 */
export function labelStrata(rows: readonly { label: number }[], task: TTask): number[] {
  if (task === 'classification') return rows.map((row) => row.label);
  const rounded = rows.map((row) => Math.round(row.label));
  if (new Set(rounded).size <= 50) return rounded;
  // Continuous labels: 10 quantile bins.
  const sorted = rows.map((row) => row.label).sort((a, b) => a - b);
  const edges = Array.from({ length: 9 }, (_, k) => sorted[Math.floor(((k + 1) * sorted.length) / 10)] ?? 0);
  return rows.map((row) => edges.filter((edge) => row.label >= edge).length);
}

/**
 * Seeded stratified k-fold assignment: fold index (0..k-1) of each row, aligned with `rows`.
 *
 * Rows are ordered by stratum, shuffled within it, and dealt 0, 1, …, k-1, 0, 1, … continuing
 * across strata from a seeded offset. Each stratum is thus spread over the folds within ±1 row,
 * and the fold sizes differ by at most one. Example: 10 rows, k = 3 → sizes 4, 3, 3 (in some order).
 */
export function assignFolds(
  rows: readonly { label: number }[],
  options: { task: TTask; k: number; seed: number },
): number[] {
  const { k } = options;
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`k must be an integer ≥ 2, got ${k}`);
  const random = seededRandom(options.seed);
  const strata = labelStrata(rows, options.task);
  const order = rows.map((_, i) => ({ i, stratum: strata[i] ?? 0, key: random() }));
  order.sort((a, b) => a.stratum - b.stratum || a.key - b.key);
  const offset = Math.floor(random() * k);
  const folds = new Array<number>(rows.length).fill(0);
  order.forEach((entry, position) => {
    folds[entry.i] = (position + offset) % k;
  });
  return folds;
}
