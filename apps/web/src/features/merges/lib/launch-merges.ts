// Server side of a merge launch: validates each mergekit YAML (fields, lines, model ids, ranges)
// and whether its models can be merged (architecture and vocabulary, base lineage, label spaces),
// naming models by name, then records Merge and MergeParent rows and queues merge.run for each.
import { JOB_NAMES } from '@tunelab/core/jobs';
import { checkStoredMergeable, parseStoredMergeConfig, prisma } from '@tunelab/db';
import { z } from 'zod';

export const ZLaunchMerge = z
  .object({
    yaml: z.string().min(1, 'the merge config is empty').max(100_000),
    name: z.string().max(200).optional(),
  })
  .strict();
export type TLaunchMerge = z.infer<typeof ZLaunchMerge>;
export const ZLaunchMerges = z
  .array(ZLaunchMerge)
  .min(1, 'no merge to launch')
  .max(50, 'at most 50 merges at once');

type Enqueue = (mergeId: string) => Promise<unknown>;

async function defaultEnqueue(mergeId: string): Promise<unknown> {
  const { enqueueJob } = await import('../../../server/queue.ts');
  return enqueueJob(JOB_NAMES.mergeRun, { mergeId });
}

/** Validates every config first (nothing is created when one is wrong), then creates and queues. */
export async function launchMerges(input: unknown, enqueue: Enqueue = defaultEnqueue): Promise<string[]> {
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
  const ids: string[] = [];
  for (const { yaml, name, plan, baseId, parentIds, parentParams } of prepared) {
    const merge = await prisma.merge.create({
      data: {
        name: name ?? null,
        method: plan.method,
        params: plan.parameters,
        config: yaml,
        baseModelId: baseId,
        parents: {
          create: parentIds.map((modelId, order) => ({
            modelId,
            order,
            params: parentParams.get(modelId) ?? {},
          })),
        },
      },
    });
    ids.push(merge.id);
  }
  for (const id of ids) await enqueue(id);
  return ids;
}
