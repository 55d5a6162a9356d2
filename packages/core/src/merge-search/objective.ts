// Scoring a recipe over the parents' domains: each domain's figure (MAE for regression, accuracy
// for classification) normalised between the base (0) and that domain's own fine-tune (1), so
// tasks on different scales mix; then the worst domain (default) or a weighted mean. Pure.
import type { TTask } from '../datasets/schemas.ts';

export type DomainMetric = 'mae' | 'accuracy';

/** The figure a domain is judged by, and which way is better. */
export function domainMetric(task: TTask): { metric: DomainMetric; higherIsBetter: boolean } {
  return task === 'regression'
    ? { metric: 'mae', higherIsBetter: false }
    : { metric: 'accuracy', higherIsBetter: true };
}

export interface DomainBaseline {
  domain: string;
  metric: DomainMetric;
  /** The base's score on the domain (the reference predictor's when the base has no usable head). */
  base: number;
  /** The domain's own fine-tune's score. */
  tuned: number;
}

/**
 * (score − base) / (tuned − base): 0 at the base, 1 at the domain's own fine-tune, above 1 when the
 * merge beats it. Works for MAE (lower is better) and accuracy alike, as the sign of the
 * denominator carries the direction. When the fine-tune scores exactly as the base, the domain
 * gives 1 to a score at least as good as theirs and 0 otherwise.
 */
export function normaliseScore(score: number, baseline: DomainBaseline): number {
  const span = baseline.tuned - baseline.base;
  if (Math.abs(span) < 1e-12) {
    const better = baseline.metric === 'mae' ? score <= baseline.tuned : score >= baseline.tuned;
    return better ? 1 : 0;
  }
  return (score - baseline.base) / span;
}

export type ObjectiveKind = 'worst' | 'mean';

/** The objective of normalised domain scores: the minimum, or the weighted mean. */
export function objectiveOf(
  normalised: readonly number[],
  kind: ObjectiveKind,
  weights?: readonly number[],
): number {
  if (normalised.length === 0) throw new Error('objective: no domains');
  if (kind === 'worst') return Math.min(...normalised);
  const w = weights ?? normalised.map(() => 1);
  let sum = 0;
  let total = 0;
  normalised.forEach((v, i) => {
    sum += (w[i] ?? 1) * v;
    total += w[i] ?? 1;
  });
  return sum / total;
}

/** Indices of the points no other point dominates (every coordinate maximised), in input order. */
export function paretoFront(points: readonly (readonly number[])[]): number[] {
  const dominates = (a: readonly number[], b: readonly number[]) =>
    a.every((v, i) => v >= (b[i] as number)) && a.some((v, i) => v > (b[i] as number));
  return points.flatMap((p, i) => (points.some((q, j) => j !== i && dominates(q, p)) ? [] : [i]));
}
