// run.evaluate: scores a model with a trained head on a dataset split (default eval) and stores the
// metrics, the reference (mean / majority of the train split) and the predictions.
import { initBackend } from '@tunelab/core/backend';
import type { TRunSummary } from '@tunelab/core/dashboard';
import { classificationScores, loadModel, predictOnThreads, regressionScores } from '@tunelab/core/train';
import { getArtifactStore, prisma } from '@tunelab/db';
import { z } from 'zod';
import { referenceScores, summaryReduction, toSummaryMetrics } from './reference.ts';
import { RunReporter } from './run-reporter.ts';
import { threadsForRun } from './run-threads.ts';
import { replaceRunEvaluation } from './store-evaluation.ts';

const ZEvaluateParams = z.object({
  split: z.enum(['train', 'eval', 'test']).default('eval'),
  tolerance: z.number().min(0).optional(),
  maxLength: z.number().int().min(8).max(512).default(128),
});

/** Evaluates one Run and returns its summary (runJob stores it and owns the Run's status). */
export async function evaluateRun(runId: string, ctx: { throwIfCancelled: () => Promise<void> }) {
  const run = await prisma.run.findUnique({ where: { id: runId }, include: { dataset: true, model: true } });
  if (!run) throw new Error(`run.evaluate: run ${runId} does not exist`);
  if (!run.dataset || !run.model) throw new Error(`run ${runId}: its dataset or model was deleted`);
  const p = ZEvaluateParams.parse(run.params);
  const dataset = run.dataset;
  const model = run.model;
  if (!model.task)
    throw new Error(`Model "${model.name}" has no trained head: fine-tune it before evaluating`);
  if (model.task !== dataset.task) {
    throw new Error(
      `Model "${model.name}" has a ${model.task} head but dataset "${dataset.name}" is ${dataset.task}`,
    );
  }
  const reporter = new RunReporter(runId);
  const backend = await initBackend();
  await prisma.run.update({ where: { id: runId }, data: { backend } });
  const rows = await prisma.datasetRow.findMany({
    where: { datasetId: dataset.id },
    select: { index: true, text: true, label: true, split: true },
    orderBy: { index: 'asc' },
  });
  const scored = rows.filter((r) => r.split === p.split);
  if (scored.length === 0) throw new Error(`Dataset "${dataset.name}" has no ${p.split} rows to evaluate on`);
  const train = rows.filter((r) => r.split === 'train');
  const tolerance = p.tolerance ?? dataset.tolerance;
  const labels = rows.map((r) => r.label);
  const labelRange: [number, number] =
    dataset.labelMin !== null && dataset.labelMax !== null
      ? [dataset.labelMin, dataset.labelMax]
      : [Math.min(...labels), Math.max(...labels)];
  await reporter.log(
    `Evaluating ${model.name} on ${scored.length} ${p.split} rows of ${dataset.name} (backend ${backend})`,
  );
  await ctx.throwIfCancelled();
  const loaded = await loadModel(getArtifactStore().resolve(model.artifactPath));
  let preds: Awaited<ReturnType<typeof predictOnThreads>>;
  try {
    preds = await predictOnThreads(
      loaded.model,
      loaded.tokenizer,
      scored.map((r) => r.text),
      { maxLength: p.maxLength, threads: threadsForRun(backend) },
    );
  } finally {
    loaded.model.dispose();
  }
  const y = scored.map((r) => r.label);
  const yhat = preds.map((x) => x.prediction);
  const metrics =
    dataset.task === 'regression'
      ? regressionScores(yhat, y, tolerance, labelRange)
      : classificationScores(yhat, y);
  const reference = referenceScores(
    dataset.task,
    (train.length ? train : scored).map((r) => r.label),
    y,
    tolerance,
    labelRange,
  );
  const summary: TRunSummary = {
    metrics: toSummaryMetrics(metrics),
    reference: { kind: reference.kind, metrics: toSummaryMetrics(reference.metrics) },
    errorReduction: summaryReduction(dataset.task, metrics, reference.metrics),
    evalRows: scored.length,
  };
  await replaceRunEvaluation({
    runId,
    modelId: model.id,
    datasetId: dataset.id,
    split: p.split,
    metrics,
    rows: scored,
    predictions: preds,
  });
  await reporter.log(
    `Done: ${Object.entries(summary.metrics)
      .filter(([, v]) => typeof v === 'number')
      .map(([k, v]) => `${k} ${(v as number).toFixed(4)}`)
      .join(', ')}`,
  );
  await reporter.flush();
  return { runId, summary };
}
