import { z } from 'zod';

/** Eval-set metrics of one model (DESIGN.md "Metrics"). */
export const ZEvalMetrics = z
  .object({
    mae: z.number().optional(),
    rmse: z.number().optional(),
    accuracy: z.number().optional(),
    flexibleAccuracy: z.number().optional(),
    macroF1: z.number().optional(),
    loss: z.number().optional(),
  })
  .catchall(z.unknown());
export type TEvalMetrics = z.infer<typeof ZEvalMetrics>;

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
  trainRows: z.number().optional(),
  evalRows: z.number().optional(),
  steps: z.number().optional(),
  epochs: z.number().optional(),
  seconds: z.number().optional(),
  stoppedEarly: z.boolean().optional(),
});
export type TRunSummary = z.infer<typeof ZRunSummary>;

/** 1 − model / reference; null when the reference makes no errors (no reduction is defined). */
export function errorReduction(model: number, reference: number): number | null {
  if (!Number.isFinite(model) || !Number.isFinite(reference) || reference <= 0) return null;
  return 1 - model / reference;
}
