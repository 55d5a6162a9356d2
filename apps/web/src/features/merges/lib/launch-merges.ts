// Server side of a merge launch: validates each mergekit YAML (fields, lines, model ids, ranges)
// and whether its models can be merged (architecture and vocabulary, base lineage, label spaces),
// naming models by name, then creates one Run (kind merge) per config with its Merge and
// MergeParent detail rows, and queues merge.run for each (createQueuedRuns).

import { zOptionalName } from '@tunelab/core/text';
import { checkStoredMergeable, parseStoredMergeConfig, prisma } from '@tunelab/db';
import { createQueuedRuns } from '@tunelab/jobs';
import { z } from 'zod';

export const ZLaunchMerge = z
  .object({
    yaml: z.string().min(1, 'the merge config is empty').max(100_000),
    name: zOptionalName(200).optional(),
  })
  .strict();
export type TLaunchMerge = z.infer<typeof ZLaunchMerge>;
export const ZLaunchMerges = z
  .array(ZLaunchMerge)
  .min(1, 'no merge to launch')
  .max(50, 'at most 50 merges at once');

/**
 * Validates every config first (nothing is created when one is wrong), then creates and queues.
 * Returns the Merge ids (the pages are /merges/<id>), in input order.
 */
export async function launchMerges(input: unknown): Promise<string[]> {
  const parsed = ZLaunchMerges.safeParse(input);
  if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? 'invalid merge launch');
  const configs = parsed.data;
  const prepared = [];
  for (const [i, { yaml, name }] of configs.entries()) {
    const where = configs.length > 1 ? `merge ${i + 1}` : 'merge config';
    // The web reads no model files: folders stand in as artifact paths, only to tell models apart.
    const stored = await parseStoredMergeConfig(prisma, yaml, where, (model) => model.artifactPath);
    await checkStoredMergeable(prisma, stored, where);
    const { plan } = stored;
    const baseId = plan.base?.ref ?? null;
    const parentIds = [...new Set(plan.models.map((m) => m.ref).filter((id) => id !== baseId))];
    const parentParams = new Map(plan.models.map((m) => [m.ref, m.parameters]));
    prepared.push({ yaml, name, plan, baseId, parentIds, parentParams });
  }
  const runIds = await createQueuedRuns(
    prepared.map(({ yaml, name, plan, baseId, parentIds, parentParams }) => ({
      kind: 'merge' as const,
      params: plan.parameters,
      ...(baseId ? { model: { connect: { id: baseId } } } : {}),
      merge: {
        create: {
          name: name ?? null,
          method: plan.method,
          params: plan.parameters,
          config: yaml,
          ...(baseId ? { baseModel: { connect: { id: baseId } } } : {}),
          parents: {
            create: parentIds.map((modelId, order) => ({
              model: { connect: { id: modelId } },
              order,
              params: parentParams.get(modelId) ?? {},
            })),
          },
        },
      },
    })),
  );
  const merges = await prisma.merge.findMany({
    where: { runId: { in: runIds } },
    select: { id: true, runId: true },
  });
  return runIds.map((runId) => merges.find((m) => m.runId === runId)?.id as string);
}
