import * as tf from '@tensorflow/tfjs-core';
import type { BertModel } from '../bert/model.ts';
import type { Encoding } from '../tokenizer/wordpiece.ts';
import { type BatchLoss, sliceBatch, type TrainBatch } from './objective.ts';
import { logitsOf } from './predict.ts';

/**
 * Loss and gradients (keyed by tensor name) of a batch, accumulated over micro-batches of at most
 * `microBatch` rows: each pass's loss is its rows' share of the batch loss, so the sum over passes
 * is the batch's loss and gradient whatever the split. The caller disposes the gradients.
 */
export function batchGradients<T>(
  model: BertModel,
  vars: ReadonlyMap<string, tf.Variable>,
  loss: BatchLoss<T>,
  batch: TrainBatch<T>,
  microBatch: number,
): { loss: number; grads: Map<string, tf.Tensor> } {
  const grads = new Map<string, tf.Tensor>();
  const list = [...vars.values()];
  let total = 0;
  for (let from = 0; from < batch.ids.length; from += microBatch) {
    const part = sliceBatch(batch, from, Math.min(batch.ids.length, from + microBatch));
    const { value, grads: g } = tf.variableGrads(() => loss(model, part), list);
    total += value.dataSync()[0] as number;
    value.dispose();
    for (const [name, variable] of vars) {
      const gi = g[variable.name];
      if (gi === undefined) continue;
      const prev = grads.get(name);
      if (prev === undefined) {
        grads.set(name, gi);
        continue;
      }
      grads.set(name, tf.add(prev, gi));
      prev.dispose();
      gi.dispose();
    }
  }
  return { loss: total, grads };
}

/**
 * Where a training loop gets gradients and predictions: on the calling thread (`LocalEngine`) or
 * from data-parallel replicas (`ReplicaPool`). Either way the caller's model and optimizer hold the
 * weights; after each update `weightsChanged` lets replicas read them.
 */
export interface GradientEngine<T> {
  gradients(batch: TrainBatch<T>): Promise<{ loss: number; grads: Map<string, tf.Tensor> }>;
  weightsChanged(): Promise<void>;
  /** Logits (no dropout) for encoded rows, in input order. */
  logits(encodings: readonly Encoding[], batchSize: number): Promise<number[][]>;
  close(): Promise<void>;
}

/** One thread: the caller's model computes everything. */
export class LocalEngine<T> implements GradientEngine<T> {
  constructor(
    private readonly model: BertModel,
    private readonly vars: ReadonlyMap<string, tf.Variable>,
    private readonly loss: BatchLoss<T>,
    private readonly microBatch: number,
    private readonly padId: number,
  ) {}

  async gradients(batch: TrainBatch<T>) {
    return batchGradients(this.model, this.vars, this.loss, batch, this.microBatch);
  }

  async weightsChanged(): Promise<void> {}

  async logits(encodings: readonly Encoding[], batchSize: number): Promise<number[][]> {
    return logitsOf(this.model, encodings, this.padId, batchSize);
  }

  async close(): Promise<void> {}
}
