import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend/index.ts';
import { BertModel } from '../../bert/model.ts';
import { importHfModel } from '../../hf/index.ts';
import { pretrainMlm } from '../../pretrain/pretrain.ts';
import type { WordPieceTokenizer } from '../../tokenizer/index.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../checkpoint.ts';
import { fineTune } from '../fine-tune.ts';
import type { EpochEvent, TrainCheckpoint, TrainExample } from '../types.ts';

const DIR = new URL('../../../../../fixtures/tiny-bert/', import.meta.url).pathname;
const WORDS = ['good', 'better', 'sad', 'tired', 'hopeless', 'mood', 'coffee', 'never', 'doctor', 'family'];
const data: TrainExample[] = Array.from({ length: 26 }, (_, i) => {
  const a = WORDS[i % WORDS.length] as string;
  const b = WORDS[(i * 7 + 3) % WORDS.length] as string;
  const extra = i % 3 === 0 ? ' coffee never mood' : ''; // rows of different lengths: padding matters
  const score = (w: string) =>
    ['good', 'better'].includes(w) ? 2 : ['sad', 'tired', 'hopeless'].includes(w) ? -2 : 0;
  return { text: `${a} ${b}${extra}`, label: score(a) + score(b) };
});

type Weights = Map<string, { data: Float32Array }>;

/** ‖a − b‖₂ over all entries of all tensors (tensors b lacks or holds in another shape are skipped). */
function distance(a: Weights, b: Weights): number {
  let sum = 0;
  for (const [name, t] of a) {
    const u = b.get(name)?.data;
    if (u === undefined || u.length !== t.data.length) continue;
    for (let i = 0; i < t.data.length; i++) sum += ((t.data[i] as number) - (u[i] as number)) ** 2;
  }
  return Math.sqrt(sum);
}

/** Relative L2 difference ‖a − b‖ / ‖a‖, and the difference as a share of how far training moved `a` from `start`. */
function relativeDiff(a: Weights, b: Weights, start: Weights): { relative: number; ofChange: number } {
  const zero: Weights = new Map([...a].map(([n, t]) => [n, { data: new Float32Array(t.data.length) }]));
  const d = distance(a, b);
  return { relative: d / distance(a, zero), ofChange: d / distance(a, start) };
}

function expectSameWeights(a: Weights, b: Weights): void {
  const r = relativeDiff(a, b, imported.tensors as unknown as Weights);
  expect(r.relative).toBeLessThanOrEqual(1e-4);
  expect(r.ofChange).toBeLessThanOrEqual(1e-2);
}

function expectClose(a: number[], b: number[]): void {
  expect(b.length).toBe(a.length);
  a.forEach((x, i) => {
    expect(Math.abs(x - (b[i] as number)) / Math.max(1e-6, Math.abs(x))).toBeLessThanOrEqual(1e-4);
  });
}

let imported: Awaited<ReturnType<typeof importHfModel>>;
let tokenizer: WordPieceTokenizer;
const fresh = (head: 'regression' | 'classification', numLabels = 1) =>
  BertModel.fromTensors(imported.config, imported.tensors, { head, numLabels, seed: 7 });

describe('data-parallel training threads', { timeout: 240_000 }, () => {
  beforeAll(async () => {
    await initBackend('wasm', () => {});
    imported = await importHfModel(DIR);
    tokenizer = imported.tokenizer;
  });

  const train = async (threads: number, opts: Record<string, unknown> = {}, callbacks = {}) => {
    const model = fresh('classification', 3);
    const losses: number[] = [];
    const epochs: EpochEvent[] = [];
    const cls = data.map((e) => ({ text: e.text, label: e.label > 0 ? 2 : e.label < 0 ? 0 : 1 }));
    const r = await fineTune(
      model,
      tokenizer,
      { train: cls, eval: cls.slice(0, 11) },
      {
        task: 'classification',
        epochs: 2,
        batchSize: 9,
        maxLength: 16,
        learningRate: 1e-3,
        seed: 5,
        dropout: 0.2,
        classWeights: 'balanced',
        threads,
        ...opts,
      },
      { onStep: (e) => void losses.push(e.loss), onEpoch: (e) => void epochs.push(e), ...callbacks },
    );
    const weights = model.toTensorMap();
    model.dispose();
    return { losses, epochs, weights, result: r };
  };

  it('fine-tunes with 2 threads as with 1: same loss curve, eval metrics and final weights (relative ≤ 1e-4)', async () => {
    const before = tf.memory().numTensors;
    const one = await train(1);
    const two = await train(2, { microBatchSize: 2 }); // 9 rows: slices of 4 and 5, passes of ≤ 2
    expect(tf.memory().numTensors).toBe(before);
    expect(one.losses.length).toBe(6);
    expectClose(one.losses, two.losses);
    expectSameWeights(one.weights, two.weights);
    expect(two.epochs.map((e) => e.metrics.accuracy)).toEqual(one.epochs.map((e) => e.metrics.accuracy));
  });

  it('cancels and resumes from a checkpoint with threads, matching an uninterrupted 1-thread run', async () => {
    const reference = await train(1);
    let saved: Uint8Array | null = null;
    let steps = 0;
    const cut = await train(
      2,
      {},
      {
        saveCheckpoint: (c: TrainCheckpoint) => {
          saved = encodeCheckpoint(c);
        },
        shouldStop: () => steps++ >= 4, // epoch 1 has 3 steps
      },
    );
    expect(cut.result.status).toBe('cancelled');
    const rest = await train(
      3,
      {},
      { loadCheckpoint: () => decodeCheckpoint(saved as unknown as Uint8Array) },
    );
    expectClose(reference.losses, [...cut.losses.slice(0, 3), ...rest.losses]);
    expectSameWeights(reference.weights, rest.weights);
  });

  it('pretrains (masked LM, dropout) with 2 threads as with 1', async () => {
    const corpus = Array.from(
      { length: 40 },
      (_, i) => `the cat ${i % 2 ? 'sat on' : 'looked at'} the mat ${i % 5 ? '' : 'today'} .`,
    );
    const opts = {
      config: { hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32 },
      vocabSize: 40,
      epochs: 2,
      batchSize: 16,
      maxLength: 12,
      seed: 4,
    };
    const run = async (threads: number) => {
      const losses: number[] = [];
      const r = await pretrainMlm(corpus, { ...opts, threads }, { onStep: (e) => void losses.push(e.loss) });
      const weights = r.model.toTensorMap();
      r.model.dispose();
      return { losses, weights };
    };
    const one = await run(1);
    const two = await run(2);
    expectClose(one.losses, two.losses);
    const r = relativeDiff(one.weights, two.weights, new Map());
    expect(r.relative).toBeLessThanOrEqual(1e-4);
  });
});
