// Server side of a merge launch: validates each mergekit YAML (fields, lines, models by id or
// name, label spaces), records Merge and MergeParent rows and queues merge.run for each.
import { JOB_NAMES } from '@tunelab/core/jobs';
import { listModelRefs, parseMergeConfig } from '@tunelab/core/merge';
import { prisma } from '@tunelab/db';
import { z } from 'zod';

export const ZLaunchMerge = z.object({
  yaml: z.string().min(1, 'the merge config is empty'),
  name: z.string().trim().max(120).optional(),
});
export type TLaunchMerge = z.input<typeof ZLaunchMerge>;
/** What the merge form sends: one config per merge (a grid gives several). */
export const ZLaunchMerges = z.array(ZLaunchMerge).min(1, 'no merge to launch').max(64);

type Enqueue = (mergeId: string) => Promise<unknown>;

async function defaultEnqueue(mergeId: string): Promise<unknown> {
  const { enqueueJob } = await import('../../../server/queue.ts');
  return enqueueJob(JOB_NAMES.mergeRun, { mergeId });
}

/** Validates every config first (nothing is created when one is wrong), then creates and queues. */
export async function launchMerges(
  configs: TLaunchMerge[],
  enqueue: Enqueue = defaultEnqueue,
): Promise<string[]> {
  if (configs.length === 0) throw new Error('no merge to launch');
  const prepared = [];
  for (const [i, { yaml, name }] of configs.entries()) {
    const where = configs.length > 1 ? `merge ${i + 1}` : 'merge config';
    const plan = parseMergeConfig(yaml, where);
    const refs = listModelRefs(yaml);
    const models = await prisma.model.findMany({
      where: { OR: [{ id: { in: refs } }, { name: { in: refs } }] },
      select: { id: true, name: true, task: true, numLabels: true, config: true },
    });
    const byRef = new Map<string, (typeof models)[number]>();
    for (const ref of refs) {
      const model = models.find((m) => m.id === ref) ?? models.find((m) => m.name === ref);
      if (!model) throw new Error(`${where}: model '${ref}' does not exist (use a model id or name)`);
      byRef.set(ref, model);
    }
    const members = plan.config.models.map((m) => byRef.get(m.model)).filter((m) => m !== undefined);
    const heads = new Set(members.map((m) => `${m.task}/${m.numLabels}`));
    if (heads.size > 1 && !plan.config.head_source) {
      throw new Error(
        `${where}: the models have different heads (${[...heads].join(', ')}); set head_source to keep one`,
      );
    }
    const baseId = plan.config.base_model ? (byRef.get(plan.config.base_model)?.id ?? null) : null;
    const parentIds = [...new Set(members.map((m) => m.id).filter((id) => id !== baseId))];
    const parentParams = new Map(plan.models.map((m) => [byRef.get(m.name)?.id, m.parameters]));
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
