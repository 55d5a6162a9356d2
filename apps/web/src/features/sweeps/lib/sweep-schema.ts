import { ZTrainParams } from '@tunelab/core/dashboard';
import { zOptionalName } from '@tunelab/core/text';
import { z } from 'zod';

export const ZCreateSweep = z.object({
  name: zOptionalName(120).optional(),
  modelId: z.string().min(1, 'Choose a base model'),
  datasetId: z.string().min(1, 'Choose a dataset'),
  fractions: z
    .array(z.number().gt(0, 'fractions must be > 0').max(1, 'fractions must be ≤ 1'))
    .min(2, 'give at least two fractions')
    .max(12)
    .transform((f) => [...new Set(f)].sort((a, b) => a - b)),
  seeds: z
    .array(z.number().int().min(0))
    .min(1)
    .max(10)
    .transform((s) => [...new Set(s)]),
  /**
   * Two-way sweep: synthetic shares of the training subset (0.25 = 25 %), each its own curve, on a
   * dataset with real and synthetic train rows (a composed one); absent or empty = one-way.
   */
  shares: z
    .array(z.number().min(0, 'shares must be ≥ 0').max(1, 'shares must be ≤ 1'))
    .max(5, 'at most 5 synthetic shares')
    .default([])
    .transform((s) => [...new Set(s)].sort((a, b) => a - b)),
  /** k-fold cross-validation at each (fraction, share, seed): each point is the mean over k folds. */
  folds: z.number().int().min(2).max(10).optional(),
  recipe: ZTrainParams,
});
export type TCreateSweep = z.input<typeof ZCreateSweep>;
