import { ZEvaluateParams } from '@tunelab/core/dashboard';
import { JOB_NAMES } from '@tunelab/core/jobs';
import { prisma } from '@tunelab/db';
import { z } from 'zod';
import { enqueueJob } from '../../runs/lib/enqueue.ts';

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
  const count = await prisma.datasetRow.count({ where: { datasetId: dataset.id, split: req.split } });
  if (count === 0) throw new EvaluationRefused(`Dataset "${dataset.name}" has no ${req.split} rows`);
  const run = await prisma.run.create({
    data: { kind: 'evaluate', modelId, datasetId: dataset.id, params },
  });
  const jobId = await enqueueJob(JOB_NAMES.runEvaluate, { runId: run.id });
  await prisma.run.update({ where: { id: run.id }, data: { queueJobId: jobId } });
  return run.id;
}
