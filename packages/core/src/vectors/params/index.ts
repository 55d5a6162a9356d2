// Analysis parameters without the analysis itself: importable by clients as @tunelab/core/vectors/params.
import { z } from 'zod';

/**
 * Analysis.params of a tuning-vector analysis (kind "vectors"): what the web launch writes and the
 * worker reads. Without `datasetId` no model is run (no CKA).
 */
export const ZVectorsParams = z
  .object({
    threshold: z.number().positive().max(1).default(1e-3),
    energyShare: z.number().positive().max(1).default(0.9),
    spectra: z.boolean().default(true),
    /** Density of the TIES merge whose interference is reported; null: none. */
    tiesDensity: z.number().positive().max(1).nullable().default(0.2),
    /** k of the base weights' top singular subspace (0: skip). */
    topK: z.number().int().min(0).max(256).default(8),
    /** Dataset whose rows the models run on for per-layer CKA. */
    datasetId: z.string().min(1).max(64).optional(),
    /** How many of its rows (spread evenly over the eval split, else all rows). */
    sampleRows: z.number().int().min(2).max(1024).default(64),
    maxLength: z.number().int().min(8).max(512).default(128),
  })
  .strip();
export type TVectorsParams = z.infer<typeof ZVectorsParams>;

/** `count` rows spread evenly over `rows` (all of them when there are fewer), in their order. */
export function spreadSample<T>(rows: readonly T[], count: number): T[] {
  if (rows.length <= count) return [...rows];
  return Array.from({ length: count }, (_, i) => rows[Math.floor((i * rows.length) / count)] as T);
}
