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

const ZStat = z.object({ mean: z.record(z.string(), z.number()), std: z.record(z.string(), z.number()) });
/** Mean and sample std over folds of a group of figures (metrics, or error reductions `mae`/`flexible`). */
export type TFoldStat = z.infer<typeof ZStat>;

/** The `cv` part of a crossval parent's Run.summary (its `metrics` are the means). */
export const ZCvSummary = z.object({
  k: z.number(),
  folds: z.array(
    z.object({ fold: z.number(), runId: z.string().optional(), metrics: z.record(z.string(), z.number()) }),
  ),
  mean: z.record(z.string(), z.number()),
  std: z.record(z.string(), z.number()),
  stdKind: z.literal('sample'),
  /** Error reduction (1 − errors(run) / errors(reference)) of each fold against its reference, over folds. */
  errorReduction: ZStat.optional(),
  /** The reference's own figures over folds. */
  reference: z.object({ kind: z.string() }).merge(ZStat).optional(),
  /**
   * Multi-item scales: each item's figures over folds (from each fold's `summary.items`), in the
   * folds' item order; `mean`/`std` above are then over folds of the means over items.
   */
  items: z
    .record(
      z.string(),
      z.object({ metrics: ZStat, errorReduction: ZStat.optional(), reference: ZStat.optional() }),
    )
    .optional(),
});
export type TCvSummary = z.infer<typeof ZCvSummary>;

type TNumbers = Record<string, number | null | undefined>;
const record = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const numbers = (v: unknown): TNumbers =>
  Object.fromEntries(Object.entries(record(v)).filter((e): e is [string, number] => finite(e[1])));

function stat(folds: readonly { fold: number; metrics: TNumbers }[]): TFoldStat | undefined {
  const s = summarizeFolds(folds);
  return Object.keys(s.mean).length > 0 ? { mean: s.mean, std: s.std } : undefined;
}

/**
 * The cross-validation summary of k finished fold runs from their own `Run.summary`s (ZRunSummary
 * shape: `metrics`, `reference {kind, metrics}`, `errorReduction {mae, flexible}` and, multi-item,
 * `items[name] {metrics, reference, errorReduction}`): mean ± sample std over folds of every
 * figure, overall and per item. Each fold's error reduction is against its own reference (the mean
 * of its own training labels, by default), and the std is over those k per-fold figures.
 *
 * @example summarizeCrossval([{fold: 0, summary: {metrics: {mae: 1}, errorReduction: {mae: 0.2}}}, …]).errorReduction.mean.mae
 */
export function summarizeCrossval(
  folds: readonly { fold: number; runId?: string; summary: unknown }[],
): TCvSummary {
  const s = folds.map((f) => ({ ...f, s: record(f.summary) }));
  const cv: TCvSummary = summarizeFolds(
    s.map((f) => ({ fold: f.fold, ...(f.runId ? { runId: f.runId } : {}), metrics: numbers(f.s.metrics) })),
  );
  const er = stat(s.map((f) => ({ fold: f.fold, metrics: numbers(f.s.errorReduction) })));
  if (er) cv.errorReduction = er;
  const kinds = [...new Set(s.map((f) => record(f.s.reference).kind).filter((k) => typeof k === 'string'))];
  const ref = stat(s.map((f) => ({ fold: f.fold, metrics: numbers(record(f.s.reference).metrics) })));
  if (ref && kinds.length > 0)
    // "mean of train labels (2.417)" differs per fold: name the kind, not one fold's constant
    cv.reference = {
      kind:
        kinds.length === 1
          ? (kinds[0] as string)
          : `${String(kinds[0]).replace(/\s*\(.*\)$/, '')} (per fold)`,
      ...ref,
    };
  const names = [...new Set(s.flatMap((f) => Object.keys(record(f.s.items))))];
  if (names.length > 0) {
    cv.items = {};
    for (const name of names) {
      const of = (key: 'metrics' | 'errorReduction' | 'reference') =>
        stat(s.map((f) => ({ fold: f.fold, metrics: numbers(record(record(f.s.items)[name])[key]) })));
      const metrics = of('metrics') ?? { mean: {}, std: {} };
      const itemEr = of('errorReduction');
      const itemRef = of('reference');
      cv.items[name] = {
        metrics,
        ...(itemEr ? { errorReduction: itemEr } : {}),
        ...(itemRef ? { reference: itemRef } : {}),
      };
    }
  }
  return cv;
}

/** Parameters of a crossval parent run: the folds' shared recipe lives beside them in Run.params. */
export const ZCrossvalSpec = z.object({
  k: z.number().int().min(2).max(20),
  seed: z.number().int().min(0).default(0),
  grouped: z.boolean().default(false),
});
