import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { wasmHeapView } from '../../backend/wasm-heap.ts';
import type { BertModel } from '../../bert/model.ts';
import type { Encoding } from '../../tokenizer/wordpiece.ts';
import type { GradientEngine } from '../gradients.ts';
import { type LossSpec, sliceBatch, type TrainBatch } from '../objective.ts';
import { type FlatLayout, flatLayout, layoutView } from './layout.ts';
import type { FromReplica, ReplicaInit, ToReplica } from './messages.ts';
import { readTensor } from './tensor-copy.ts';

const ENTRY = new URL('./entry.mjs', import.meta.url);
const REPLICA = new URL('./replica.ts', import.meta.url).href;

/** One replica thread and the reply it is computing. */
class Replica {
  private pending: { resolve: (m: FromReplica) => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;

  constructor(
    readonly worker: Worker,
    readonly index: number,
  ) {
    worker.on('message', (m: FromReplica) => {
      const p = this.pending;
      this.pending = null;
      if (m.kind === 'error') {
        const e = new Error(`training thread ${index}: ${m.message}`);
        if (m.stack) e.stack = `${e.message}\n${m.stack}`;
        if (p) p.reject(e);
        else this.failure = e;
      } else p?.resolve(m);
    });
    const fail = (e: Error) => {
      this.failure = e;
      this.pending?.reject(e);
      this.pending = null;
    };
    worker.on('error', (e) => fail(new Error(`training thread ${index} failed: ${e.message}`)));
    worker.on('exit', (code) => fail(new Error(`training thread ${index} exited (code ${code})`)));
  }

  /** The next message from the thread (the first one is 'ready'). */
  reply(message?: ToReplica): Promise<FromReplica> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      if (message) this.worker.postMessage(message);
    });
  }
}

/**
 * Data-parallel training over worker threads (Node `worker_threads`; each holds its own tfjs
 * backend — one core's wasm — and a replica of the model). For a batch, thread k computes the
 * gradient of rows [k·n/N, (k+1)·n/N) (micro-batched to its heap) into its region of a shared
 * gradient buffer; the coordinator sums the regions in thread order, and after its one AdamW step
 * writes the updated weights into a shared weight buffer that every replica reads before its next
 * pass. Because each row's loss is its share of the whole batch's (`TrainBatch.norm`) and its
 * dropout masks come from its own seed, N threads train as one does, up to float summation order.
 */
export class ReplicaPool<T> implements GradientEngine<T> {
  private version = 0;

  private constructor(
    private readonly model: BertModel,
    private readonly all: FlatLayout,
    private readonly trainable: FlatLayout,
    private readonly weights: SharedArrayBuffer,
    private readonly grads: SharedArrayBuffer,
    private readonly replicas: Replica[],
  ) {}

  static async start<T>(
    model: BertModel,
    trainableNames: readonly string[],
    /** null: a pool for predictions only. */
    loss: LossSpec | null,
    threads: number,
    microBatch: number,
    padId: number,
  ): Promise<ReplicaPool<T>> {
    const all = flatLayout(model.params, [...model.params.keys()]);
    const trainable = flatLayout(model.params, trainableNames);
    const weights = new SharedArrayBuffer(all.total * 4);
    all.names.forEach((name, i) => {
      layoutView(weights, all, i).set(readTensor(model.param(name)));
    });
    const grads = new SharedArrayBuffer(threads * trainable.total * 4);
    const replicas = Array.from({ length: threads }, (_, region) => {
      const init: ReplicaInit = {
        backend: tf.getBackend(),
        config: model.config,
        head: model.head,
        numLabels: model.numLabels,
        all,
        trainable,
        weights,
        grads,
        region,
        loss,
        microBatch,
        padId,
      };
      return new Replica(new Worker(ENTRY, { workerData: { module: REPLICA, init } }), region);
    });
    const pool = new ReplicaPool<T>(model, all, trainable, weights, grads, replicas);
    try {
      await Promise.all(replicas.map((r) => r.reply()));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  get threads(): number {
    return this.replicas.length;
  }

  async gradients(batch: TrainBatch<T>): Promise<{ loss: number; grads: Map<string, tf.Tensor> }> {
    const n = batch.ids.length;
    const N = this.replicas.length;
    const active: number[] = [];
    const replies = this.replicas.map((r, k) => {
      const from = Math.floor((k * n) / N);
      const to = Math.floor(((k + 1) * n) / N);
      if (to <= from) return null;
      active.push(k);
      return r.reply({
        kind: 'grads',
        version: this.version,
        batch: sliceBatch(batch, from, to) as TrainBatch<unknown>,
      });
    });
    let loss = 0;
    for (const m of await Promise.all(replies)) if (m?.kind === 'grads') loss += m.loss;
    const out = new Map<string, tf.Tensor>();
    this.trainable.names.forEach((name, i) => {
      const [first, ...rest] = active.map((k) =>
        layoutView(this.grads, this.trainable, i, k * this.trainable.total),
      );
      const sum = tf.tensor((first as Float32Array).slice(), this.trainable.shapes[i], 'float32');
      const acc = wasmHeapView(sum) ?? (sum.dataSync() as Float32Array);
      for (const part of rest)
        for (let j = 0; j < acc.length; j++) acc[j] = (acc[j] as number) + (part[j] as number);
      out.set(name, wasmHeapView(sum) === undefined ? replaceData(sum, acc) : sum);
    });
    return { loss, grads: out };
  }

  async weightsChanged(): Promise<void> {
    const index = new Map(this.all.names.map((n, i) => [n, i]));
    for (const name of this.trainable.names)
      layoutView(this.weights, this.all, index.get(name) as number).set(readTensor(this.model.param(name)));
    this.version++;
  }

  async logits(encodings: readonly Encoding[], batchSize: number): Promise<number[][]> {
    // Deal the rows out in length order, so every thread gets a similar share of long and short ones.
    const order = encodings
      .map((_, i) => i)
      .sort((a, b) => (encodings[a]?.ids.length ?? 0) - (encodings[b]?.ids.length ?? 0));
    const N = this.replicas.length;
    const parts = this.replicas.map((_, k) => order.filter((_, j) => j % N === k));
    const replies = await Promise.all(
      this.replicas.map((r, k) =>
        (parts[k] as number[]).length === 0
          ? null
          : r.reply({
              kind: 'logits',
              version: this.version,
              encodings: (parts[k] as number[]).map((i) => encodings[i] as Encoding),
              batchSize,
            }),
      ),
    );
    const out = new Array<number[]>(encodings.length);
    replies.forEach((m, k) => {
      if (m?.kind !== 'logits') return;
      (parts[k] as number[]).forEach((i, j) => {
        out[i] = m.logits[j] as number[];
      });
    });
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.worker.terminate()));
  }
}

/** A new tensor holding `data` (off wasm, where a tensor's values cannot be written in place). */
function replaceData(t: tf.Tensor, data: Float32Array): tf.Tensor {
  const copy = tf.tensor(data, t.shape, 'float32');
  t.dispose();
  return copy;
}
