// merge.run: merges models for the Merge detail row of one Run (compute queue, sandboxed), stores
// the result as a Model, then scores the merged model, its base and each parent on every parent's
// eval dataset. Idempotent on retry: the result model id is derived from the merge, evaluations are
// replaced. The runtime (run-job.ts) owns the Run's status; this returns the summary.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '@tunelab/core/errors';
import { JOB_NAMES, ZMergeJob } from '@tunelab/core/jobs';
import { listModelRefs, parseMergeConfig, rewriteModelRefs, runMerge } from '@tunelab/core/merge';
import { getArtifactStore, getPrisma, type Prisma } from '@tunelab/db';
import { defineProcessor, type TProcessorContext } from './types.ts';

/** A model the config names does not exist: retrying will not make it appear. */
class MissingModelError extends InputError {
  override name = 'MissingModelError';
}

/** Id of the Model row a merge produces (stable, so a retried job overwrites rather than duplicates). */
export function mergedModelId(mergeId: string): string {
  return `merge-${mergeId}`;
}

export const mergeProcessor = defineProcessor({
  name: JOB_NAMES.mergeRun,
  schema: ZMergeJob,
  async handle({ runId }, ctx) {
    const merge = await getPrisma().merge.findUnique({ where: { runId } });
    // MergeConfigError, MergeRefusedError and MissingModelError are InputErrors: not retried.
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
  // Configs name models by id (or by unique name); each becomes its folder in the store.
  const refs = listModelRefs(merge.config);
  const folders = new Map<string, string>();
  for (const ref of refs) {
    const model =
      (await prisma.model.findUnique({ where: { id: ref } })) ??
      (await prisma.model.findFirst({ where: { name: ref }, orderBy: { createdAt: 'desc' } }));
    if (!model) throw new MissingModelError(`merge ${merge.id}: model '${ref}' in the config does not exist`);
    folders.set(ref, store.resolve(model.artifactPath));
  }
  const text = rewriteModelRefs(merge.config, (ref) => folders.get(ref) ?? ref);
  const plan = parseMergeConfig(text, `merge ${merge.id} config`);
  const modelId = mergedModelId(merge.id);
  const relative = store.modelPath(modelId);
  const outDir = await store.ensureDir(relative);
  const result = await runMerge(plan, outDir, {
    onProgress: ({ done, total }) => void ctx.progress(0.5 * (done / total)),
    throwIfCancelled: ctx.throwIfCancelled,
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
  const baseRef = plan.config.base_model;
  const baseModelId = merge.baseModelId ?? (baseRef ? await modelIdOf(baseRef) : null);
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

async function modelIdOf(ref: string): Promise<string | null> {
  const prisma = getPrisma();
  const model =
    (await prisma.model.findUnique({ where: { id: ref } })) ??
    (await prisma.model.findFirst({ where: { name: ref } }));
  return model?.id ?? null;
}

/**
 * Scores the merged model, the base and every parent on each parent's eval dataset (the dataset of
 * the run that fine-tuned it, with that run's eval split). Models whose head does not fit a
 * dataset's task (or that have none, like a pretrained base) are skipped for it.
 */
async function evaluateMerge(mergeId: string, mergedId: string, ctx: TProcessorContext): Promise<number> {
  const prisma = getPrisma();
  const store = getArtifactStore();
  const merge = await prisma.merge.findUniqueOrThrow({
    where: { id: mergeId },
    include: {
      parents: {
        include: { model: { include: { parentRun: { include: { dataset: true } } } } },
        orderBy: { order: 'asc' },
      },
    },
  });
  const datasets = new Map<
    string,
    {
      dataset: NonNullable<NonNullable<(typeof merge.parents)[number]['model']['parentRun']>['dataset']>;
      params: unknown;
    }
  >();
  for (const parent of merge.parents) {
    const run = parent.model.parentRun;
    if (run?.dataset && !datasets.has(run.dataset.id))
      datasets.set(run.dataset.id, { dataset: run.dataset, params: run.params });
  }
  const modelIds = [
    mergedId,
    ...(merge.baseModelId ? [merge.baseModelId] : []),
    ...merge.parents.map((p) => p.modelId),
  ];
  const unique = [...new Set(modelIds)];
  const models = await prisma.model.findMany({ where: { id: { in: unique } } });
  await prisma.evaluation.deleteMany({ where: { mergeId } });
  if (datasets.size === 0) return 0;

  const { initBackend } = await import('@tunelab/core/backend');
  const { ZTrainParams } = await import('@tunelab/core/dashboard');
  const { loadModel, predict, regressionScores, classificationScores } = await import('@tunelab/core/train');
  const { splitRows } = await import('../training/split-rows.ts');
  await initBackend();
  let written = 0;
  let step = 0;
  const steps = unique.length * datasets.size;
  for (const model of unique.map((id) => models.find((m) => m.id === id)).filter((m) => m !== undefined)) {
    await ctx.throwIfCancelled(); // between models: nothing is loaded yet
    let loaded: Awaited<ReturnType<typeof loadModel>> | null = null;
    try {
      loaded = await loadModel(store.resolve(model.artifactPath));
    } catch {
      loaded = null; // no usable head: nothing to score
    }
    for (const { dataset, params: rawParams } of datasets.values()) {
      step++;
      void ctx.progress(0.5 + 0.5 * (step / steps));
      if (!loaded || loaded.model.head !== dataset.task) continue;
      const classes = Array.isArray(dataset.classes) ? dataset.classes.length : null;
      if (dataset.task === 'classification' && classes !== null && loaded.model.numLabels !== classes)
        continue;
      const params = ZTrainParams.parse(rawParams ?? {});
      const rows = await prisma.datasetRow.findMany({
        where: { datasetId: dataset.id },
        select: { index: true, text: true, label: true, split: true },
        orderBy: { index: 'asc' },
      });
      const { eval: evalRows } = splitRows(
        rows.filter((r) => r.split !== 'test'),
        params,
      );
      if (evalRows.length === 0) continue;
      const predictions = predict(
        loaded.model,
        loaded.tokenizer,
        evalRows.map((r) => r.text),
        { maxLength: params.maxLength },
      );
      const labels = evalRows.map((r) => r.label);
      const range: [number, number] | undefined =
        dataset.labelMin !== null && dataset.labelMax !== null
          ? [dataset.labelMin, dataset.labelMax]
          : undefined;
      const metrics =
        dataset.task === 'regression'
          ? regressionScores(
              predictions.map((p) => p.prediction),
              labels,
              params.tolerance ?? dataset.tolerance,
              range,
            )
          : classificationScores(
              predictions.map((p) => p.prediction),
              labels,
            );
      await prisma.evaluation.create({
        data: {
          modelId: model.id,
          datasetId: dataset.id,
          split: 'eval',
          mergeId,
          metrics: metrics as Prisma.InputJsonValue,
        },
      });
      written++;
    }
    loaded?.model.dispose();
  }
  return written;
}
