import { z } from 'zod';
import { getPrisma, type PrismaClient } from './client.ts';

export const ZMetricPoint = z.object({
  name: z.string().min(1),
  split: z.string().min(1),
  step: z.number().int().nonnegative(),
  value: z.number(),
  epoch: z.number().optional(),
  wallTime: z.date().optional(),
});
export type TMetricPoint = z.infer<typeof ZMetricPoint>;

/**
 * Stores metric points for a run. Idempotent on (runId, name, split, step): a job retried after a
 * crash writes the same steps again and the first stored value wins, so curves never get duplicate
 * points. Returns how many points were new.
 */
export async function writeMetrics(
  runId: string,
  points: readonly TMetricPoint[],
  client: PrismaClient = getPrisma(),
): Promise<number> {
  if (points.length === 0) return 0;
  const rows = points.map((point, i) => {
    const parsed = ZMetricPoint.safeParse(point);
    if (!parsed.success) {
      throw new Error(`writeMetrics(${runId}): point ${i} is invalid: ${parsed.error.issues[0]?.message}`);
    }
    if (!Number.isFinite(parsed.data.value)) {
      throw new Error(
        `writeMetrics(${runId}): point ${i} (${point.name}/${point.split}) value is not finite`,
      );
    }
    return { runId, ...parsed.data, wallTime: parsed.data.wallTime ?? new Date() };
  });
  const result = await client.metric.createMany({ data: rows, skipDuplicates: true });
  return result.count;
}
