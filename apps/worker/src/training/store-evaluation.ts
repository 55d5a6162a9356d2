import { flattenItemMetrics } from '@tunelab/core/metrics';
import type { ModelScore } from '@tunelab/core/train';
import { type Prisma, prisma } from '@tunelab/db';

/**
 * Stores a run's evaluation of `modelId` on a dataset split with its per-row predictions, replacing
 * any earlier one of the same run (a retried job writes it again; there is never more than one).
 * Texts are cut to 300 characters: the predictions table shows them, it does not need them whole.
 * A long multi-item row stores its item (index) and its item's prediction.
 */
export async function replaceRunEvaluation(e: {
  runId: string;
  modelId: string;
  datasetId: string;
  split: 'train' | 'eval' | 'test';
  scores: ModelScore;
  rows: readonly { index: number; text: string; label: number; source?: string; item?: number }[];
}): Promise<void> {
  await prisma.evaluation.deleteMany({ where: { runId: e.runId } });
  await prisma.evaluation.create({
    data: {
      modelId: e.modelId,
      datasetId: e.datasetId,
      runId: e.runId,
      split: e.split,
      metrics: evaluationMetrics(e.scores),
      predictions: e.rows.map((r, i) => ({
        index: r.index,
        text: r.text.slice(0, 300),
        label: r.label,
        ...(r.source ? { source: r.source } : {}),
        // long multi-item rows: the row's own item's prediction (the one its label is scored against)
        ...(r.item !== undefined ? { item: r.item } : {}),
        prediction: predictionOf(e.scores.predictions[i], r.item),
      })) as Prisma.InputJsonValue,
    },
  });
}

/** A row's prediction: multi-item long rows score their own item's output, others the first. */
function predictionOf(
  p: ModelScore['predictions'][number] | undefined,
  item: number | undefined,
): number | null {
  if (!p) return null;
  return item !== undefined && p.values ? (p.values[item] ?? null) : p.prediction;
}

/**
 * What an Evaluation row stores as `metrics`: the metric values keyed as in metrics.json (on a
 * multi-item scale the means over items, and each item's as `<item>/<key>`: flattenItemMetrics),
 * plus `bySource` (the same keys on real and on synthetic rows) when the scored rows carry a source.
 */
export function evaluationMetrics(
  scores: Pick<ModelScore, 'metrics' | 'bySource' | 'items'>,
): Prisma.InputJsonValue {
  const items = scores.items
    ? Object.fromEntries(Object.entries(scores.items).map(([name, s]) => [name, s.metrics]))
    : undefined;
  return {
    ...flattenItemMetrics(scores.metrics, items),
    ...(scores.bySource ? { bySource: scores.bySource } : {}),
  };
}
