import type * as tf from '@tensorflow/tfjs-core';
import { mixSeed } from '../bert/encoder.ts';
import type { BertModel } from '../bert/model.ts';
import type { Rng } from '../bert/rng.ts';
import type { Encoding } from '../tokenizer/wordpiece.ts';
import { padBatch } from './batches.ts';

/**
 * One global training batch as plain, structured-cloneable data: padded to the batch's longest row
 * (so every slice of it has the same length and a row's dropout masks do not depend on its slice),
 * one dropout seed and one target per row, and the normaliser of the whole batch's loss.
 */
export interface TrainBatch<T> {
  ids: number[][];
  mask: number[][];
  types: number[][];
  /** Per-row dropout seeds (see `rowSeeder`). */
  seeds: number[];
  /** What each row is scored against (a label, masked positions…). */
  targets: T[];
  /** The whole batch's loss is Σ rows' losses / norm (number of rows, Σ class weights, masked tokens). */
  norm: number;
}

/** Rows [from, to) of a batch; the normaliser stays the whole batch's, so slice losses add up to its loss. */
export function sliceBatch<T>(b: TrainBatch<T>, from: number, to: number): TrainBatch<T> {
  return {
    ids: b.ids.slice(from, to),
    mask: b.mask.slice(from, to),
    types: b.types.slice(from, to),
    seeds: b.seeds.slice(from, to),
    targets: b.targets.slice(from, to),
    norm: b.norm,
  };
}

/** The loss of a slice of a batch: Σ over its rows / batch.norm, with dropout drawn from the rows' seeds. */
export type BatchLoss<T> = (model: BertModel, batch: TrainBatch<T>) => tf.Scalar;

/**
 * How a data-parallel thread rebuilds the same loss function: a module (URL) exporting a factory
 * `(options) => BatchLoss`, and the factory's JSON-able options. The training loop calls the same
 * factory on the calling thread, so one thread and many compute the same function.
 */
export interface LossSpec {
  module: string;
  factory: string;
  options: unknown;
}

/**
 * What a training loop needs from a task: how to make a batch from example indices (on the calling
 * thread, drawing any randomness — masking — from the run's generator), and the loss over one.
 */
export interface Objective<T> {
  /** Number of training examples; the loop shuffles 0..examples−1 each epoch. */
  examples: number;
  /**
   * Builds the batch for these example indices; `seed` is this step's (per-row dropout seeds),
   * `rng` the run's generator for any other randomness (drawn here, on the calling thread).
   */
  makeBatch(rows: readonly number[], seed: number, rng: Rng): TrainBatch<T>;
  loss: LossSpec;
}

/** The shared part of a batch: padded ids, mask and types of these encodings, and row seeds from the step's seed. */
export function paddedRows(
  encodings: readonly Encoding[],
  padId: number,
  seed: number,
): Pick<TrainBatch<never>, 'ids' | 'mask' | 'types' | 'seeds'> {
  const p = padBatch(encodings, padId);
  return { ...p, seeds: encodings.map((_, i) => mixSeed(seed, i)) };
}

/** Builds the loss function a spec names (the same call on every thread). */
export async function lossFunction<T>(spec: LossSpec): Promise<BatchLoss<T>> {
  const mod = (await import(spec.module)) as Record<string, unknown>;
  const factory = mod[spec.factory];
  if (typeof factory !== 'function')
    throw new Error(`${spec.module} exports no loss factory ${spec.factory}`);
  return (factory as (o: unknown) => BatchLoss<T>)(spec.options);
}
