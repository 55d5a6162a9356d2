// run.train: fine-tunes a base model on a dataset for one Run row. CPU-heavy: runs in the compute
// queue's sandboxed process. Idempotent on retry: metrics are upserted, training resumes from the
// last per-epoch checkpoint, and the result model is keyed by the run (parentRunId).
import { randomUUID } from 'node:crypto';
import { initBackend } from '@tunelab/core/backend';
import {
  fineTuneName,
  fineTuneOptions,
  longTextOptions,
  modelRowFacts,
  scoringSummary,
  type TRunSummary,
  ZTrainParams,
} from '@tunelab/core/dashboard';
import { InputError } from '@tunelab/core/errors';
import { importHfModel } from '@tunelab/core/hf';
import { CancelledError, InterruptedError } from '@tunelab/core/jobs';
import { itemMetricName, metricDefined, scoreItemsReference, scoreReference } from '@tunelab/core/metrics';
import {
  type EpochEvent,
  fineTune,
  itemLabelsOf,
  itemSpacesFor,
  loadModel,
  saveModel,
  scoreModelOnThreads,
} from '@tunelab/core/train';
import {
  datasetItemSpecs,
  datasetLabelSpace,
  getArtifactStore,
  loadDatasetRows,
  type Prisma,
  prisma,
  summarizeOrigins,
} from '@tunelab/db';
import { CheckpointStore } from './checkpoint-store.ts';
import { scoreReferenceModel } from './reference-model.ts';
import { cancelRequested, RunReporter } from './run-reporter.ts';
import { threadsForRun } from './run-threads.ts';
import { splitRows } from './split-rows.ts';
import { replaceRunEvaluation } from './store-evaluation.ts';

/** Metric names written per epoch (engine keys) and the split they go under. */
const EPOCH_METRICS = ['mae', 'rmse', 'accuracy', 'flexible_accuracy', 'macro_f1'] as const;

/**
 * Trains one Run and returns its summary (the runtime, runJob, stores it and owns the Run's status).
 * Throws CancelledError when cancel was requested (runJob marks it cancelled); other errors
 * propagate so BullMQ retries (resuming from the last epoch checkpoint).
 */
export async function trainRun(
  runId: string,
  ctx: { attempt: number; throwIfCancelled: () => Promise<void>; interruptRequested?: () => boolean },
): Promise<{ runId: string; modelId: string; summary: TRunSummary }> {
  const run = await prisma.run.findUnique({ where: { id: runId }, include: { dataset: true, model: true } });
  if (!run) throw new Error(`run.train: run ${runId} does not exist`);
  const reporter = new RunReporter(runId);
  if (!run.dataset) throw new Error(`run ${runId}: its dataset was deleted`);
  if (!run.model) throw new Error(`run ${runId}: its base model was deleted`);
  const params = ZTrainParams.parse(run.params);
  const dataset = run.dataset;
  const baseModel = run.model;
  const task = dataset.task;

  const backend = await initBackend();
  await prisma.run.update({ where: { id: runId }, data: { backend } });
  await reporter.log(
    `Attempt ${ctx.attempt}: fine-tuning ${baseModel.name} on ${dataset.name} (${task}) with backend ${backend}`,
  );

  try {
    const rows = await loadDatasetRows(dataset.id, { splits: ['train', 'eval'] });
    const { train, eval: splitEval } = splitRows(rows, { ...params, task });
    // "judge on real rows only" (the study protocol): training keeps every row
    const evalRows = params.evalSource === 'real' ? splitEval.filter((r) => r.source === 'real') : splitEval;
    if (evalRows.length === 0 && splitEval.length > 0)
      throw new InputError(
        `Dataset "${dataset.name}" has no real rows in its eval split: judge on all rows, or add real rows`,
      );
    // strict accuracy only where it is defined (whole-number labels), as the run page shows it
    const labels = { integer: rows.every((r) => Number.isInteger(r.label)) };
    const defined = (name: string) => metricDefined(name, task, labels);
    const space = await datasetLabelSpace(dataset);
    // The run's tolerance (the form defaults it to the dataset's k) decides flexible accuracy.
    const scoring = space.task === 'regression' ? { ...space, tolerance: params.tolerance } : space;
    const labelRange = space.task === 'regression' ? space.labelRange : null;
    const classes = space.task === 'classification' ? space.numClasses : undefined;
    // Multi-item scales: one output per item, each with its own range.
    const items = datasetItemSpecs(dataset);
    await reporter.log(
      `${train.length} train rows, ${evalRows.length} eval rows${params.fold === undefined ? '' : ` (fold ${params.fold}${params.cv ? ` of ${params.cv.k}` : ''})`}${params.mix ? `, ${Math.round(params.mix.share * 100)} % synthetic` : ''}${params.evalSource === 'real' ? ' (real rows only)' : ''}; ${
        labelRange ? `label range ${labelRange.join('…')}` : `${classes} classes`
      }`,
    );

    const store = getArtifactStore();
    const loaded = await loadModel(store.resolve(baseModel.artifactPath), {
      task,
      numLabels: task === 'classification' ? classes : (items?.length ?? 1),
      seed: params.seed,
    });
    const checkpoints = new CheckpointStore(runId);
    const threads = threadsForRun(backend);
    await reporter.log(`Training on ${threads} thread${threads === 1 ? '' : 's'}`);
    let stepLimitHit = false;
    const started = Date.now();
    let result: Awaited<ReturnType<typeof fineTune>>;
    try {
      result = await fineTune(
        loaded.model,
        loaded.tokenizer,
        { train, eval: evalRows },
        { ...fineTuneOptions(params, { task, labelRange, numLabels: classes, items }), threads },
        {
          onStep: (e) => reporter.step(e, params.maxSteps),
          onEpoch: async (e: EpochEvent) => {
            const wallTime = new Date();
            const names = [
              ...EPOCH_METRICS,
              ...(items ?? []).flatMap((item) => EPOCH_METRICS.map((m) => itemMetricName(item.name, m))),
            ];
            for (const name of names) {
              const value = e.metrics[name];
              if (value !== undefined && Number.isFinite(value)) {
                await reporter.point({ name, split: 'eval', step: e.step, value, epoch: e.epoch, wallTime });
              }
            }
            await reporter.flush();
            const shown = EPOCH_METRICS.filter((n) => e.metrics[n] !== undefined && defined(n))
              .map((n) => `${n} ${(e.metrics[n] as number).toFixed(4)}`)
              .join(', ');
            await reporter.log(`Epoch ${e.epoch} done at step ${e.step}: ${shown}`);
          },
          shouldStop: async () => {
            if (params.maxSteps > 0 && reporter.stepsSeen >= params.maxSteps) {
              stepLimitHit = true;
              return true;
            }
            return cancelRequested(ctx.throwIfCancelled);
          },
          // A worker shutting down: checkpoint at this step boundary; another worker resumes here.
          // One turn of the event loop per step lets the parent's stop message (IPC) arrive even
          // when the steps themselves never wait on I/O.
          shouldInterrupt: async () => {
            await new Promise((resolve) => setImmediate(resolve));
            return ctx.interruptRequested?.() ?? false;
          },
          saveCheckpoint: (c) => checkpoints.save(c),
          loadCheckpoint: async () => {
            const c = await checkpoints.load();
            if (c)
              await reporter.log(
                c.inEpoch
                  ? `Resuming from the checkpoint at step ${c.step} (epoch ${c.epoch + 1}, batch ${c.inEpoch.batches + 1})`
                  : `Resuming from the checkpoint after epoch ${c.epoch} (step ${c.step})`,
              );
            return c;
          },
        },
      );
      await reporter.drain();
    } catch (e) {
      loaded.model.dispose();
      throw e;
    }

    if (result.status === 'cancelled' && !stepLimitHit) {
      loaded.model.dispose();
      await reporter.log(`Cancelled at step ${result.steps}`, 'warn');
      throw new CancelledError(runId);
    }
    if (result.status === 'interrupted') {
      loaded.model.dispose();
      await reporter.log(`Interrupted at step ${result.steps}: checkpoint saved`, 'warn');
      throw new InterruptedError(runId);
    }

    // Final predictions on the eval set (also gives metrics when the step limit cut an epoch short).
    const scored = await scoreModelOnThreads(loaded.model, loaded.tokenizer, evalRows, {
      ...scoring,
      maxLength: params.maxLength,
      longText: longTextOptions(params),
      items: items ?? undefined,
      threads,
    });
    // The reference: a named model scored on the same rows (per item on a multi-item scale), else
    // the mean / majority of the train labels (per item).
    const reference = params.referenceModelId
      ? await scoreReferenceModel(params.referenceModelId, evalRows, scoring, {
          seed: params.seed,
          maxLength: params.maxLength,
          longText: longTextOptions(params),
          threads,
          items: items ?? undefined,
        })
      : items
        ? scoreItemsReference(
            train.map((r, i) => itemLabelsOf(r, items.length, `train row ${i + 1}`)),
            evalRows.map((r, i) => ({
              labels: itemLabelsOf(r, items.length, `eval row ${i + 1}`),
              source: r.source,
            })),
            itemSpacesFor(loaded.model, { ...scoring, items }),
          )
        : scoreReference(
            train.map((r) => r.label),
            evalRows,
            scoring,
          );

    const modelId = await saveResultModel(
      runId,
      run.modelId as string,
      fineTuneName(baseModel.name, dataset.name, params),
      loaded,
    );
    loaded.model.dispose();

    const summary: TRunSummary = {
      ...scoringSummary(task, scored, reference),
      trainRows: train.length,
      // which training rows were synthetic and which generation runs wrote them (the run page)
      trainOrigins: await summarizeOrigins(train),
      evalRows: evalRows.length,
      steps: result.steps,
      epochs: result.epochs,
      seconds: (Date.now() - started) / 1000,
      stoppedEarly: result.status === 'stopped-early' || stepLimitHit,
    };
    await replaceRunEvaluation({
      runId,
      modelId,
      datasetId: dataset.id,
      split: 'eval',
      scores: scored,
      rows: evalRows,
    });
    await checkpoints.remove();
    await reporter.log(
      `Succeeded: ${Object.entries(summary.metrics)
        .filter(([k, v]) => typeof v === 'number' && defined(k))
        .map(([k, v]) => `${k} ${(v as number).toFixed(4)}`)
        .join(
          ', ',
        )}; error reduction (MAE) ${summary.errorReduction?.mae?.toFixed(3) ?? 'n/a'} vs ${reference.kind}`,
    );
    return { runId, modelId, summary };
  } finally {
    await reporter.flush().catch(() => undefined);
  }
}

/** Exports the fine-tuned weights as an HF folder in the artifact store and records its Model row. */
async function saveResultModel(
  runId: string,
  baseModelId: string,
  name: string,
  loaded: Awaited<ReturnType<typeof loadModel>>,
): Promise<string> {
  const existing = await prisma.model.findUnique({ where: { parentRunId: runId } });
  const modelId = existing?.id ?? `m${randomUUID().replaceAll('-', '').slice(0, 24)}`;
  const store = getArtifactStore();
  const rel = store.modelPath(modelId);
  const dir = await store.ensureDir(rel);
  await saveModel(dir, loaded.model, loaded.tokenizer);
  const imported = await importHfModel(dir);
  const facts = modelRowFacts(imported);
  const data = {
    name,
    kind: 'finetuned' as const,
    config: facts.config as Prisma.InputJsonValue,
    tokenizer: facts.tokenizer as Prisma.InputJsonValue,
    artifactPath: rel,
    paramCount: facts.paramCount,
    source: `run:${runId}`,
    task: facts.task,
    numLabels: facts.numLabels,
    baseModelId,
    parentRunId: runId,
  };
  if (existing) await prisma.model.update({ where: { id: modelId }, data });
  else await prisma.model.create({ data: { id: modelId, ...data } });
  return modelId;
}
