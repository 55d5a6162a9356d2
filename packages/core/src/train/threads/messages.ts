import type { BertArchConfig } from '../../bert/config.ts';
import type { HeadKind } from '../../bert/params.ts';
import type { Encoding } from '../../tokenizer/wordpiece.ts';
import type { LossSpec, TrainBatch } from '../objective.ts';
import type { FlatLayout } from './layout.ts';

/** What a replica thread starts from (workerData.init). */
export interface ReplicaInit {
  backend: string;
  config: BertArchConfig;
  head: HeadKind;
  numLabels: number;
  /** Every tensor of the model, in `weights`. */
  all: FlatLayout;
  /** The tensors that get gradients: indices into `all`, and their layout in each gradient region. */
  trainable: FlatLayout;
  weights: SharedArrayBuffer;
  /** One region of trainable.total floats per thread. */
  grads: SharedArrayBuffer;
  region: number;
  loss: LossSpec | null;
  microBatch: number;
  padId: number;
}

export type ToReplica =
  | { kind: 'grads'; version: number; batch: TrainBatch<unknown> }
  | { kind: 'logits'; version: number; encodings: Encoding[]; batchSize: number };

export type FromReplica =
  | { kind: 'ready' }
  | { kind: 'grads'; loss: number }
  | { kind: 'logits'; logits: number[][] }
  | { kind: 'error'; message: string; stack?: string };
