import { prisma } from '@tunelab/db';
import { createQueuedRuns } from '@tunelab/jobs';
import { z } from 'zod';

export class EvaluationRefused extends Error {}

export const ZEvaluateRequest = z.object({
  datasetId: z.string().min(1, 'Choose a dataset'),
  split: z.enum(['train', 'eval', 'test']).default('eval'),
});

/** Creates a Run of kind evaluate (a model with a trained head on a dataset split) and queues it. */
export async function queueEvaluation(modelId: string, body: unknown): Promise<string> {
  const req = ZEvaluateRequest.parse(body);
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
  const count = await prisma.datasetRow.count({ where: { datasetId: dataset.id, split: req.split } });
  if (count === 0) throw new EvaluationRefused(`Dataset "${dataset.name}" has no ${req.split} rows`);
  const [runId] = (await createQueuedRuns([
    {
      kind: 'evaluate',
      model: { connect: { id: modelId } },
      dataset: { connect: { id: dataset.id } },
      params: { split: req.split },
    },
  ])) as [string];
  return runId;
}
