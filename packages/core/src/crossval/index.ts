// Cross-validation as one job: the summary of k folds (mean ± std of every metric), shared by the
// worker (a crossval parent's Run.summary), the run page and `tunelab train --folds K`.
import { z } from 'zod';

/** One fold's figures: any numeric metrics (summary keys or metrics.json keys alike). */
export interface FoldResult {
  fold: number;
  runId?: string;
  metrics: Record<string, number | null | undefined>;
}

export interface FoldSummary {
  k: number;
  folds: { fold: number; runId?: string; metrics: Record<string, number> }[];
  /** Mean over the folds that report the metric. */
  mean: Record<string, number>;
  /** Sample standard deviation (n − 1) over those folds; 0 with one fold. */
  std: Record<string, number>;
  /** Which std: always "sample" (n − 1), as scikit-learn's cross_val_score users report it. */
  stdKind: 'sample';
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * Mean and sample standard deviation (divisor n − 1) of every metric over the folds, each metric
 * over the folds that report a finite value for it. Folds are listed in fold order.
 *
 * @example summarizeFolds([{fold: 0, metrics: {mae: 1}}, {fold: 1, metrics: {mae: 2}}, {fold: 2, metrics: {mae: 3}}])
 *   // mean {mae: 2}, std {mae: 1}
 */
export function summarizeFolds(folds: readonly FoldResult[]): FoldSummary {
  const sorted = [...folds].sort((a, b) => a.fold - b.fold);
  const clean = sorted.map((f) => ({
    fold: f.fold,
    ...(f.runId ? { runId: f.runId } : {}),
    metrics: Object.fromEntries(Object.entries(f.metrics).filter((e): e is [string, number] => finite(e[1]))),
  }));
  const keys = [...new Set(clean.flatMap((f) => Object.keys(f.metrics)))];
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  for (const key of keys) {
    const xs = clean.map((f) => f.metrics[key]).filter(finite);
    const m = xs.reduce((t, x) => t + x, 0) / xs.length;
    mean[key] = m;
    std[key] = xs.length > 1 ? Math.sqrt(xs.reduce((t, x) => t + (x - m) ** 2, 0) / (xs.length - 1)) : 0;
  }
  return { k: clean.length, folds: clean, mean, std, stdKind: 'sample' };
}

/** The `cv` part of a crossval parent's Run.summary (its `metrics` are the means). */
export const ZCvSummary = z.object({
  k: z.number(),
  folds: z.array(
    z.object({ fold: z.number(), runId: z.string().optional(), metrics: z.record(z.string(), z.number()) }),
  ),
  mean: z.record(z.string(), z.number()),
  std: z.record(z.string(), z.number()),
  stdKind: z.literal('sample'),
});
export type TCvSummary = z.infer<typeof ZCvSummary>;

/** Parameters of a crossval parent run: the folds' shared recipe lives beside them in Run.params. */
export const ZCrossvalSpec = z.object({
  k: z.number().int().min(2).max(20),
  seed: z.number().int().min(0).default(0),
  grouped: z.boolean().default(false),
});
