// merge.run: merges models for the Merge detail row of one Run (compute queue, sandboxed), stores
// the result as a Model, then scores the merged model, its base and each parent on every parent's
// eval dataset. Idempotent on retry: the result model id is derived from the merge, evaluations are
// replaced. The runtime (run-job.ts) owns the Run's status; this returns the summary.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '@tunelab/core/errors';
import { JOB_NAMES, ZMergeJob } from '@tunelab/core/jobs';
import { runMerge } from '@tunelab/core/merge';
import { getArtifactStore, getPrisma, type Prisma, parseStoredMergeConfig } from '@tunelab/db';
import { defineProcessor, type TProcessorContext } from './types.ts';

/** Id of the Model row a merge produces (stable, so a retried job overwrites rather than duplicates). */
export function mergedModelId(mergeId: string): string {
  return `merge-${mergeId}`;
}

export const mergeProcessor = defineProcessor({
  name: JOB_NAMES.mergeRun,
  schema: ZMergeJob,
  async handle({ runId }, ctx) {
    const merge = await getPrisma().merge.findUnique({ where: { runId } });
    // MergeConfigError and MergeRefusedError are InputErrors: not retried.
    if (!merge) throw new InputError(`run ${runId} has no merge to run`);
    await ctx.log(`Merging with ${merge.method}${merge.name ? ` (${merge.name})` : ''}`);
    const modelId = await mergeModels(merge, ctx);
    await ctx.log(`Merged model ${modelId} stored; scoring it, its base and its parents`);
    const evaluations = await evaluateMerge(merge.id, modelId, ctx);
    await ctx.log(`${evaluations} evaluations stored`);
    return { runId, mergeId: merge.id, modelId, evaluations, summary: { modelId, evaluations } };
  },
});

/** Runs the merge into the artifact store and upserts its Model row; returns the model id. */
async function mergeModels(
  merge: { id: string; name: string | null; method: string; config: string; baseModelId: string | null },
  ctx: TProcessorContext,
): Promise<string> {
  const prisma = getPrisma();
  const store = getArtifactStore();
  // Configs name models by id; each becomes its folder in the store, and nothing else is read.
  const { plan } = await parseStoredMergeConfig(prisma, merge.config, 'merge config', (model) =>
    store.resolve(model.artifactPath),
  );
  const modelId = mergedModelId(merge.id);
  const relative = store.modelPath(modelId);
  const outDir = await store.ensureDir(relative);
  // A failed merge (say, a non-finite result) leaves nothing behind and registers no Model.
  const result = await runMerge(plan, outDir, {
    onProgress: ({ done, total }) => void ctx.progress(0.5 * (done / total)),
    throwIfCancelled: ctx.throwIfCancelled,
  }).catch(async (error: unknown) => {
    await rm(outDir, { recursive: true, force: true });
    throw error;
  });
  const config = JSON.parse(await readFile(path.join(outDir, 'config.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  const numLabels = typeof config.num_labels === 'number' ? config.num_labels : null;
  const task: 'regression' | 'classification' | null =
    config.problem_type === 'regression' || numLabels === 1
      ? 'regression'
      : numLabels
        ? 'classification'
        : null;
  const baseModelId = merge.baseModelId ?? plan.base?.ref ?? null;
  const data = {
    name: merge.name ?? `${merge.method} merge`,
    kind: 'merged' as const,
    config: config as Prisma.InputJsonValue,
    tokenizer: { type: 'wordpiece', files: ['vocab.txt'] },
    artifactPath: relative,
    paramCount: result.parameters,
    source: `merge:${merge.id}`,
    task,
    numLabels,
    baseModelId,
  };
  await prisma.model.upsert({
    where: { id: modelId },
    create: { id: modelId, ...data, parentMergeId: merge.id },
    update: data,
  });
  return modelId;
}

/**
 * Scores the merged model, the base and every parent on each parent's eval dataset (the dataset of
 * the run that fine-tuned it, with that run's eval split). Models whose head does not fit a
 * dataset's task, classes or items (or that have none, like a pretrained base) are skipped for it.
 * A multi-item dataset is scored per item; the evaluation stores the means over items and each
 * item's figures (`<item>/<key>`).
 */
async function evaluateMerge(mergeId: string, mergedId: string, ctx: TProcessorContext): Promise<number> {
  const prisma = getPrisma();
  const store = getArtifactStore();
  const merge = await prisma.merge.findUniqueOrThrow({
    where: { id: mergeId },
    include: { parents: { orderBy: { order: 'asc' } } },
  });
  // One domain per parent dataset (parents sharing a dataset share it), scored as the parent's
  // run scored it: parentDomains is shared with recipe search (search.candidate).
  const { parentDomains } = await import('../training/parent-domains.ts');
  const domains = new Map<string, NonNullable<Awaited<ReturnType<typeof parentDomains>>[number]>>();
  for (const domain of await parentDomains(merge.parents.map((p) => p.modelId)))
    if (domain && !domains.has(domain.datasetId)) domains.set(domain.datasetId, domain);
  const modelIds = [
    mergedId,
    ...(merge.baseModelId ? [merge.baseModelId] : []),
    ...merge.parents.map((p) => p.modelId),
  ];
  const unique = [...new Set(modelIds)];
  const models = await prisma.model.findMany({ where: { id: { in: unique } } });
  await prisma.evaluation.deleteMany({ where: { mergeId } });
  if (domains.size === 0) return 0;

  const { initBackend } = await import('@tunelab/core/backend');
  const { loadModel, scoreModel } = await import('@tunelab/core/train');
  const { evaluationMetrics } = await import('../training/store-evaluation.ts');
  const { domainScoring, fitsDomain } = await import('@tunelab/core/merge-search/node');
  await initBackend();
  let written = 0;
  let step = 0;
  const steps = unique.length * domains.size;
  for (const model of unique.map((id) => models.find((m) => m.id === id)).filter((m) => m !== undefined)) {
    await ctx.throwIfCancelled(); // between models: nothing is loaded yet
    let loaded: Awaited<ReturnType<typeof loadModel>> | null = null;
    try {
      loaded = await loadModel(store.resolve(model.artifactPath));
    } catch {
      loaded = null; // no usable head: nothing to score
    }
    for (const { datasetId, domain } of domains.values()) {
      step++;
      void ctx.progress(0.5 + 0.5 * (step / steps));
      // a head of another task, class count or scale (items) cannot score the domain
      if (!loaded || !fitsDomain(loaded.model, domain)) continue;
      if (domain.rows.length === 0) continue;
      const scores = scoreModel(loaded.model, loaded.tokenizer, domain.rows, domainScoring(domain));
      await prisma.evaluation.create({
        data: {
          modelId: model.id,
          datasetId,
          split: 'eval',
          mergeId,
          metrics: evaluationMetrics(scores),
        },
      });
      written++;
    }
    loaded?.model.dispose();
  }
  return written;
}
