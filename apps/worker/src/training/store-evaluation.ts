import { type Prisma, prisma } from '@tunelab/db';

/**
 * Stores a run's evaluation of `modelId` on a dataset split with its per-row predictions, replacing
 * any earlier one of the same run (a retried job writes it again; there is never more than one).
 * Texts are cut to 300 characters: the predictions table shows them, it does not need them whole.
 */
export async function replaceRunEvaluation(e: {
  runId: string;
  modelId: string;
  datasetId: string;
  split: 'train' | 'eval' | 'test';
  metrics: Prisma.InputJsonValue;
  rows: readonly { index: number; text: string; label: number }[];
  predictions: readonly { prediction: number }[];
}): Promise<void> {
  await prisma.evaluation.deleteMany({ where: { runId: e.runId } });
  await prisma.evaluation.create({
    data: {
      modelId: e.modelId,
      datasetId: e.datasetId,
      runId: e.runId,
      split: e.split,
      metrics: e.metrics,
      predictions: e.rows.map((r, i) => ({
        index: r.index,
        text: r.text.slice(0, 300),
        label: r.label,
        prediction: e.predictions[i]?.prediction ?? null,
      })) as Prisma.InputJsonValue,
    },
  });
}
