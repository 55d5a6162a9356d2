import { z } from 'zod';
import type { TTask } from '../datasets/schemas.ts';
import { errorReductions } from '../metrics/regression.ts';
import type { TMetricValues, TScores } from '../metrics/score.ts';
import { fromJsonKeys } from '../metrics/table.ts';

/** Eval-set metrics of one model (DESIGN.md "Metrics"). */
export const ZEvalMetrics = z
  .object({
    mae: z.number().optional(),
    rmse: z.number().optional(),
    accuracy: z.number().optional(),
    flexibleAccuracy: z.number().optional(),
    macroF1: z.number().optional(),
    loss: z.number().optional(),
    /** Rows scored. */
    n: z.number().optional(),
  })
  .catchall(z.unknown());
export type TEvalMetrics = z.infer<typeof ZEvalMetrics>;

/**
 * How many of some rows (a run's training rows) are synthetic, and which generation runs (or hands,
 * in the review queue) wrote them; `untraced`: synthetic rows with no generation record (uploaded as
 * synthetic). summarizeOrigins() in @tunelab/db computes it.
 */
export const ZOriginSummary = z.object({
  rows: z.number(),
  real: z.number(),
  synthetic: z.number(),
  /** Synthetic rows per generation run, most rows first. */
  generations: z.array(
    z.object({
      runId: z.string(),
      model: z.string().nullable(),
      connection: z.string().nullable(),
      rows: z.number(),
    }),
  ),
  manual: z.number(),
  untraced: z.number(),
});
export type TOriginSummary = z.infer<typeof ZOriginSummary>;

/**
 * `Run.summary` of a finished training run.
 *
 * Error reduction versus a reference = 1 − errors(model) / errors(reference), for MAE and for
 * flexible errors (1 − flexible accuracy). The reference for regression is the mean predictor of the
 * train labels (a base checkpoint has no trained regression head, and a freshly initialised head
 * predicts ~0, which would flatter every run); for classification the majority class of the train
 * split. `reference.kind` says which was used.
 */
export const ZRunSummary = z.object({
  metrics: ZEvalMetrics,
  reference: z.object({ kind: z.string(), metrics: ZEvalMetrics }).optional(),
  errorReduction: z.object({ mae: z.number().nullable(), flexible: z.number().nullable() }).optional(),
  /** The metrics on the real and on the synthetic rows of the scored set (when rows carry a source). */
  bySource: z.object({ real: ZEvalMetrics.optional(), synthetic: ZEvalMetrics.optional() }).optional(),
  trainRows: z.number().optional(),
  /** Where the training rows came from (real, synthetic and from which generation runs). */
  trainOrigins: ZOriginSummary.optional(),
  evalRows: z.number().optional(),
  steps: z.number().optional(),
  epochs: z.number().optional(),
  seconds: z.number().optional(),
  stoppedEarly: z.boolean().optional(),
  /**
   * Multi-item scales: each item's metrics, its reference's and its error reductions, keyed by item
   * name in output order; `metrics`, `reference` and `errorReduction` then hold the means over items.
   */
  items: z
    .record(
      z.string(),
      z.object({
        metrics: ZEvalMetrics,
        reference: ZEvalMetrics.optional(),
        errorReduction: z.object({ mae: z.number().nullable(), flexible: z.number().nullable() }).optional(),
      }),
    )
    .optional(),
});
export type TRunSummary = z.infer<typeof ZRunSummary>;

/** Metric keys of the engine and metrics.json (snake_case) → summary keys (camelCase), by the metrics table. */
export function toSummaryMetrics(m: Readonly<TMetricValues>): TEvalMetrics {
  return { ...fromJsonKeys(m), ...(m.n !== undefined ? { n: m.n } : {}) };
}

/**
 * The scoring part of a run summary: the model's metrics (and per source), the named reference's
 * and the error reductions against it.
 */
export function scoringSummary(
  task: TTask,
  scores: TScores,
  reference: { kind: string; scores: TScores },
): Pick<TRunSummary, 'metrics' | 'reference' | 'errorReduction' | 'bySource' | 'items'> {
  const items = scores.items
    ? Object.fromEntries(
        Object.entries(scores.items).map(([name, s]) => {
          const ref = reference.scores.items?.[name]?.metrics;
          return [
            name,
            {
              metrics: toSummaryMetrics(s.metrics),
              ...(ref
                ? { reference: toSummaryMetrics(ref), errorReduction: errorReductions(task, s.metrics, ref) }
                : {}),
            },
          ];
        }),
      )
    : undefined;
  const bySource = scores.bySource
    ? Object.fromEntries(Object.entries(scores.bySource).map(([k, m]) => [k, toSummaryMetrics(m)]))
    : undefined;
  return {
    metrics: toSummaryMetrics(scores.metrics),
    reference: { kind: reference.kind, metrics: toSummaryMetrics(reference.scores.metrics) },
    errorReduction: errorReductions(task, scores.metrics, reference.scores.metrics),
    ...(bySource ? { bySource } : {}),
    ...(items ? { items } : {}),
  };
}
