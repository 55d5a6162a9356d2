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
  recipe: ZTrainParams,
});
export type TCreateSweep = z.input<typeof ZCreateSweep>;
