// Server side of a merge launch: validates each mergekit YAML (fields, lines, models by id or
// name, label spaces), then creates one Run (kind merge) per config with its Merge and MergeParent
// detail rows, and queues merge.run for each (createQueuedRuns).
import { listModelRefs, parseMergeConfig } from '@tunelab/core/merge';
import { prisma } from '@tunelab/db';
import { createQueuedRuns } from '@tunelab/jobs';
import { z } from 'zod';

export const ZLaunchMerge = z.object({
  yaml: z.string().min(1, 'the merge config is empty'),
  name: z.string().trim().max(120).optional(),
});
export type TLaunchMerge = z.input<typeof ZLaunchMerge>;
/** What the merge form sends: one config per merge (a grid gives several). */
export const ZLaunchMerges = z.array(ZLaunchMerge).min(1, 'no merge to launch').max(64);

/**
 * Validates every config first (nothing is created when one is wrong), then creates and queues.
 * Returns the Merge ids (the pages are /merges/<id>), in input order.
 */
export async function launchMerges(configs: TLaunchMerge[]): Promise<string[]> {
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
