import * as tf from '@tensorflow/tfjs-core';
import { batchTensors, classify, rowSeeder } from '../bert/encoder.ts';
import type { TTask } from '../datasets/schemas.ts';
import type { Encoding } from '../tokenizer/wordpiece.ts';
import { type BatchLoss, type Objective, paddedRows } from './objective.ts';

export interface SequenceLossOptions {
  task: TTask;
  hiddenDropout: number;
  attentionDropout: number;
}

/**
 * A row's label and its loss weight (class weight; 1 for regression). Multi-item regression: `ys`
 * (each item's label, 0 where unlabelled) and `ws` (each item's weight: 0 where unlabelled, else
 * 1 / (rows of the batch labelled for that item × items labelled in the batch)).
 */
export interface SequenceTarget {
  y: number;
  w: number;
  ys?: number[];
  ws?: number[];
}

/**
 * Sequence regression / classification loss of a slice of a batch: Σ (ŷ − y)² / norm (norm = rows
 * of the batch: mean squared error), or Σ wᵧ · −log softmax(logits)ᵧ / norm (norm = Σ wᵧ over the
 * batch: the weighted mean cross-entropy). Dropout as the config's or the run's rates.
 */
export function sequenceLoss(o: SequenceLossOptions): BatchLoss<SequenceTarget> {
  return (model, b) => {
    const logits = classify(model, batchTensors(b.ids, b.mask, b.types), {
      hiddenDropout: o.hiddenDropout,
      attentionDropout: o.attentionDropout,
      nextSeed: rowSeeder(b.seeds),
    });
    const n = b.targets.length;
    const y = b.targets.map((t) => t.y);
    if (o.task === 'regression' && b.targets[0]?.ys) {
      // Σ over labelled (row, item) of w·(ŷ − y)²: the weights make it the mean over the batch's
      // labelled items of each item's MSE, and slices of one batch add up to it.
      const ys = tf.tensor2d(b.targets.map((t) => t.ys as number[]));
      const ws = tf.tensor2d(b.targets.map((t) => t.ws as number[]));
      return tf.div(tf.sum(tf.mul(ws, tf.square(tf.sub(logits, ys)))), b.norm) as tf.Scalar;
    }
    if (o.task === 'regression')
      return tf.div(tf.sum(tf.square(tf.sub(tf.reshape(logits, [n]), tf.tensor1d(y)))), b.norm) as tf.Scalar;
    const logp = tf.logSoftmax(logits);
    const onehot = tf.oneHot(tf.tensor1d(y, 'int32'), model.numLabels);
    const nll = tf.neg(tf.sum(tf.mul(logp, onehot), 1));
    return tf.div(tf.sum(tf.mul(nll, tf.tensor1d(b.targets.map((t) => t.w)))), b.norm) as tf.Scalar;
  };
}

/**
 * Multi-item targets of a batch's rows: each item weighs 1 / (its labelled rows × labelled items),
 * so the batch loss is the mean over its labelled items of each item's mean squared error.
 */
export function itemTargets(rowLabels: readonly (readonly (number | null)[])[]): SequenceTarget[] {
  const items = rowLabels[0]?.length ?? 0;
  const counts = Array.from({ length: items }, (_, j) => rowLabels.filter((l) => l[j] != null).length);
  const present = counts.filter((c) => c > 0).length;
  return rowLabels.map((l) => ({
    y: 0,
    w: 1,
    ys: l.map((v) => v ?? 0),
    ws: l.map((v, j) => (v == null ? 0 : 1 / ((counts[j] as number) * present))),
  }));
}

/**
 * Fine-tuning's objective over encoded, labelled rows (class weights per class index, or none).
 * With `itemLabels` (multi-item regression: per row, each item's label or null) every row trains
 * only the outputs of its labelled items.
 */
export function sequenceObjective(
  encodings: readonly Encoding[],
  labels: readonly number[],
  classWeights: readonly number[] | null,
  padId: number,
  loss: SequenceLossOptions,
  itemLabels?: readonly (readonly (number | null)[])[],
): Objective<SequenceTarget> {
  return {
    examples: encodings.length,
    makeBatch(rows, seed) {
      if (itemLabels) {
        return {
          ...paddedRows(
            rows.map((i) => encodings[i] as Encoding),
            padId,
            seed,
          ),
          targets: itemTargets(rows.map((i) => itemLabels[i] as (number | null)[])),
          norm: 1,
        };
      }
      const targets = rows.map((i) => {
        const y = labels[i] as number;
        return { y, w: classWeights ? (classWeights[y] as number) : 1 };
      });
      const norm =
        loss.task === 'regression'
          ? rows.length
          : Math.max(
              1e-12,
              targets.reduce((s, t) => s + t.w, 0),
            );
      return {
        ...paddedRows(
          rows.map((i) => encodings[i] as Encoding),
          padId,
          seed,
        ),
        targets,
        norm,
      };
    },
    loss: { module: import.meta.url, factory: 'sequenceLoss', options: loss },
  };
}
