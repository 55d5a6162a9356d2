import * as tf from '@tensorflow/tfjs-core';
import { batchTensors, classify, rowSeeder } from '../bert/encoder.ts';
import type { Encoding } from '../tokenizer/wordpiece.ts';
import { type BatchLoss, type Objective, paddedRows } from './objective.ts';
import type { TaskKind } from './types.ts';

export interface SequenceLossOptions {
  task: TaskKind;
  hiddenDropout: number;
  attentionDropout: number;
}

/** A row's label and its loss weight (class weight; 1 for regression). */
export interface SequenceTarget {
  y: number;
  w: number;
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
    if (o.task === 'regression')
      return tf.div(tf.sum(tf.square(tf.sub(tf.reshape(logits, [n]), tf.tensor1d(y)))), b.norm) as tf.Scalar;
    const logp = tf.logSoftmax(logits);
    const onehot = tf.oneHot(tf.tensor1d(y, 'int32'), model.numLabels);
    const nll = tf.neg(tf.sum(tf.mul(logp, onehot), 1));
    return tf.div(tf.sum(tf.mul(nll, tf.tensor1d(b.targets.map((t) => t.w)))), b.norm) as tf.Scalar;
  };
}

/** Fine-tuning's objective over encoded, labelled rows (class weights per class index, or none). */
export function sequenceObjective(
  encodings: readonly Encoding[],
  labels: readonly number[],
  classWeights: readonly number[] | null,
  padId: number,
  loss: SequenceLossOptions,
): Objective<SequenceTarget> {
  return {
    examples: encodings.length,
    makeBatch(rows, seed) {
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
