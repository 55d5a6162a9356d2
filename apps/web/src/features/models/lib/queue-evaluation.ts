import { ZEvaluateParams } from '@tunelab/core/dashboard';
import { type BertConfig, labelNames } from '@tunelab/core/hf';
import { scaleRefusal } from '@tunelab/core/metrics';
import { datasetItems, prisma } from '@tunelab/db';
import { createQueuedRuns } from '@tunelab/jobs';
import { z } from 'zod';

export class EvaluationRefused extends Error {}

/** The evaluate run's contract (split, tolerance, max length) plus the dataset to score on. */
export const ZEvaluateRequest = ZEvaluateParams.extend({
  datasetId: z.string().min(1, 'Choose a dataset'),
});

/** Creates a Run of kind evaluate (a model with a trained head on a dataset split) and queues it. */
export async function queueEvaluation(modelId: string, body: unknown): Promise<string> {
  const req = ZEvaluateRequest.parse(body);
  const { datasetId: _, ...params } = req;
  const [model, dataset] = await Promise.all([
    prisma.model.findUnique({ where: { id: modelId } }),
    prisma.dataset.findUnique({ where: { id: req.datasetId } }),
  ]);
  if (!model) throw new EvaluationRefused(`Model ${modelId} does not exist`);
  if (!dataset) throw new EvaluationRefused(`Dataset ${req.datasetId} does not exist`);
  if (!model.task)
    throw new EvaluationRefused(`Model "${model.name}" has no trained head: fine-tune it first`);
  if (model.task !== dataset.task) {
    throw new EvaluationRefused(
      `Model "${model.name}" has a ${model.task} head but dataset "${dataset.name}" is ${dataset.task}`,
    );
  }
  // A multi-item dataset needs one output per item, named as the dataset's items (and a single-label
  // dataset one output): refused here with the reason rather than failing in the worker.
  if (model.task === 'regression') {
    const refused = scaleRefusal(
      model.name,
      {
        head: model.task,
        numLabels: model.numLabels ?? 1,
        itemNames: labelNames((model.config ?? {}) as BertConfig),
      },
      dataset.name,
      datasetItems(dataset),
    );
    if (refused) throw new EvaluationRefused(refused);
  }
  const count = await prisma.datasetRow.count({ where: { datasetId: dataset.id, split: req.split } });
  if (count === 0) throw new EvaluationRefused(`Dataset "${dataset.name}" has no ${req.split} rows`);
  const [runId] = (await createQueuedRuns([
    {
      kind: 'evaluate',
      model: { connect: { id: modelId } },
      dataset: { connect: { id: dataset.id } },
      params,
    },
  ])) as [string];
  return runId;
}
