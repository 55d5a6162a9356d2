// run.evaluate: scores a model with a trained head on a dataset split (default eval) and stores the
// metrics, the reference (mean / majority of the train split) and the predictions. A multi-item
// dataset is scored per item (a model with one output per item, in the dataset's item order) with
// the means over items, against the per-item mean of the train labels, as training runs are.
import { initBackend } from '@tunelab/core/backend';
import { scoringSummary, type TRunSummary, ZEvaluateParams } from '@tunelab/core/dashboard';
import { InputError } from '@tunelab/core/errors';
import { metricDefined, scaleRefusal, scoreItemsReference, scoreReference } from '@tunelab/core/metrics';
import { itemLabelsOf, itemSpacesFor, loadModel, scoreModelOnThreads } from '@tunelab/core/train';
import { datasetItemSpecs, datasetLabelSpace, getArtifactStore, loadDatasetRows, prisma } from '@tunelab/db';
import { RunReporter } from './run-reporter.ts';
import { threadsForRun } from './run-threads.ts';
import { replaceRunEvaluation } from './store-evaluation.ts';

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
  const rows = await loadDatasetRows(dataset.id);
  const scored = rows.filter((r) => r.split === p.split);
  if (scored.length === 0) throw new Error(`Dataset "${dataset.name}" has no ${p.split} rows to evaluate on`);
  const train = rows.filter((r) => r.split === 'train');
  const labels = { integer: rows.every((r) => Number.isInteger(r.label)) };
  const space = await datasetLabelSpace(dataset);
  const scoring =
    space.task === 'regression' ? { ...space, tolerance: p.tolerance ?? space.tolerance } : space;
  await reporter.log(
    `Evaluating ${model.name} on ${scored.length} ${p.split} rows of ${dataset.name} (backend ${backend})`,
  );
  await ctx.throwIfCancelled();
  // Multi-item scales: the dataset's items (names and ranges), one model output each.
  const items = datasetItemSpecs(dataset);
  const loaded = await loadModel(getArtifactStore().resolve(model.artifactPath));
  let scores: Awaited<ReturnType<typeof scoreModelOnThreads>>;
  let reference: ReturnType<typeof scoreReference>;
  try {
    const refused = scaleRefusal(model.name, loaded.model, dataset.name, items);
    if (refused) throw new InputError(refused);
    scores = await scoreModelOnThreads(loaded.model, loaded.tokenizer, scored, {
      ...scoring,
      maxLength: p.maxLength,
      items: items ?? undefined,
      threads: threadsForRun(backend),
    });
    const refRows = train.length ? train : scored;
    reference = items
      ? scoreItemsReference(
          refRows.map((r, i) =>
            itemLabelsOf(r, items.length, `${train.length ? 'train' : p.split} row ${i + 1}`),
          ),
          scored.map((r, i) => ({
            labels: itemLabelsOf(r, items.length, `${p.split} row ${i + 1}`),
            source: r.source,
          })),
          itemSpacesFor(loaded.model, { ...scoring, items }),
        )
      : scoreReference(
          refRows.map((r) => r.label),
          scored,
          scoring,
        );
  } finally {
    loaded.model.dispose();
  }
  const summary: TRunSummary = {
    ...scoringSummary(dataset.task, scores, reference),
    evalRows: scored.length,
  };
  await replaceRunEvaluation({
    runId,
    modelId: model.id,
    datasetId: dataset.id,
    split: p.split,
    scores,
    rows: scored,
  });
  await reporter.log(
    `Done: ${Object.entries(summary.metrics)
      .filter(([k, v]) => typeof v === 'number' && metricDefined(k, dataset.task, labels))
      .map(([k, v]) => `${k} ${(v as number).toFixed(4)}`)
      .join(', ')}`,
  );
  await reporter.flush();
  return { runId, summary };
}
