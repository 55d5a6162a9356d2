import * as tf from '@tensorflow/tfjs-core';
import { batchTensors, maskedLmLogits, rowSeeder } from '../bert/encoder.ts';
import type { Encoding } from '../tokenizer/wordpiece.ts';
import { type BatchLoss, type Objective, paddedRows } from '../train/objective.ts';
import { type MaskingOptions, maskTokens } from './masking.ts';

export interface MlmLossOptions {
  vocabSize: number;
  hiddenDropout: number;
  attentionDropout: number;
}

/** A row's masked positions (columns) and the original ids there. */
export interface MlmTarget {
  columns: number[];
  labels: number[];
}

/**
 * Masked-LM loss of a slice of a batch: Σ over its masked positions of −log p(original token) / norm,
 * norm = masked positions in the whole batch (the mean cross-entropy over the batch's masks).
 */
export function mlmLoss(o: MlmLossOptions): BatchLoss<MlmTarget> {
  return (model, b) => {
    const L = b.ids[0]?.length ?? 0;
    const positions = b.targets.flatMap((t, r) => t.columns.map((c) => r * L + c));
    const labels = b.targets.flatMap((t) => t.labels);
    // A slice without masked positions adds nothing (its loss stays tied to a weight for autodiff).
    if (positions.length === 0) return tf.mul(tf.sum(model.param('cls.predictions.bias')), 0) as tf.Scalar;
    const logits = maskedLmLogits(
      model,
      batchTensors(b.ids, b.mask, b.types),
      tf.tensor1d(positions, 'int32'),
      {
        hiddenDropout: o.hiddenDropout,
        attentionDropout: o.attentionDropout,
        nextSeed: rowSeeder(b.seeds),
      },
    );
    const picked = tf.sum(
      tf.mul(tf.logSoftmax(logits), tf.oneHot(tf.tensor1d(labels, 'int32'), o.vocabSize)),
      1,
    );
    return tf.div(tf.neg(tf.sum(picked)), b.norm) as tf.Scalar;
  };
}

/** Pretraining's objective: each batch masked with the run's generator (BERT's 80/10/10 rule). */
export function mlmObjective(
  encodings: readonly Encoding[],
  padId: number,
  masking: MaskingOptions,
  loss: MlmLossOptions,
): Objective<MlmTarget> {
  return {
    examples: encodings.length,
    makeBatch(rows, seed, rng) {
      const p = paddedRows(
        rows.map((i) => encodings[i] as Encoding),
        padId,
        seed,
      );
      const m = maskTokens(p.ids, p.mask, rng, masking);
      const L = p.ids[0]?.length ?? 0;
      const targets: MlmTarget[] = rows.map(() => ({ columns: [], labels: [] }));
      m.positions.forEach((pos, i) => {
        const t = targets[Math.floor(pos / L)] as MlmTarget;
        t.columns.push(pos % L);
        t.labels.push(m.labels[i] as number);
      });
      return { ...p, ids: m.ids, targets, norm: Math.max(1, m.positions.length) };
    },
    loss: { module: import.meta.url, factory: 'mlmLoss', options: loss },
  };
}
