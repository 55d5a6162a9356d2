import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index.ts';
import { BertModel } from '../bert/model.ts';
import { importHfModel } from '../hf/index.ts';
import type { WordPieceTokenizer } from '../tokenizer/index.ts';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.ts';
import { fineTune } from './fine-tune.ts';
import type { TrainCheckpoint, TrainExample } from './types.ts';

const DIR = new URL('../../../../fixtures/tiny-bert/', import.meta.url).pathname;
const WORDS = ['good', 'better', 'sad', 'tired', 'hopeless', 'mood', 'coffee', 'never', 'doctor', 'family'];
// Label depends on the words, so a model can learn it.
const data: TrainExample[] = Array.from({ length: 24 }, (_, i) => {
  const a = WORDS[i % WORDS.length] as string;
  const b = WORDS[(i * 7 + 3) % WORDS.length] as string;
  const score = (w: string) =>
    ['good', 'better'].includes(w) ? 2 : ['sad', 'tired', 'hopeless'].includes(w) ? -2 : 0;
  return { text: `${a} ${b}`, label: score(a) + score(b) };
});

let imported: Awaited<ReturnType<typeof importHfModel>>;
let tokenizer: WordPieceTokenizer;
const fresh = (head: 'regression' | 'classification' = 'regression', numLabels = 1) =>
  BertModel.fromTensors(imported.config, imported.tensors, { head, numLabels, seed: 7 });
const base = {
  task: 'regression' as const,
  epochs: 2,
  batchSize: 8,
  maxLength: 16,
  learningRate: 1e-3,
  seed: 3,
};

async function losses(
  model: BertModel,
  callbacks = {},
  opts = {},
): Promise<{ losses: number[]; status: string }> {
  const out: number[] = [];
  const r = await fineTune(
    model,
    tokenizer,
    { train: data, eval: data.slice(0, 8) },
    { ...base, ...opts },
    {
      onStep: (e) => {
        out.push(e.loss);
      },
      ...callbacks,
    },
  );
  return { losses: out, status: r.status };
}

describe('fineTune on tiny-bert', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    await initBackend('wasm', () => {});
    imported = await importHfModel(DIR);
    tokenizer = imported.tokenizer;
  });

  it('learns (loss drops), is reproducible with the same seed, and does not leak tensors', async () => {
    const before = tf.memory().numTensors;
    const m1 = fresh();
    const a = await losses(m1, {}, { epochs: 4 });
    m1.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const m2 = fresh();
    const b = await losses(m2, {}, { epochs: 4 });
    m2.dispose();
    expect(b.losses).toEqual(a.losses);
    const first = (a.losses[0] as number) + (a.losses[1] as number) + (a.losses[2] as number);
    const last = a.losses.slice(-3).reduce((s, x) => s + x, 0);
    expect(last).toBeLessThan(first * 0.7);
  });

  it('resumes from a checkpoint with exactly the losses of an uninterrupted run', async () => {
    const full = fresh();
    const reference = await losses(full);
    full.dispose();

    let saved: Uint8Array | null = null;
    let steps = 0;
    const first = fresh();
    const part = await losses(first, {
      saveCheckpoint: (c: TrainCheckpoint) => {
        saved = encodeCheckpoint(c); // through bytes, as a worker would store it
      },
      shouldStop: () => steps++ >= 4, // epoch 1 has 3 steps; stop during epoch 2
    });
    first.dispose();
    expect(part.status).toBe('cancelled');
    expect(saved).not.toBeNull();

    const second = fresh();
    const rest = await losses(second, {
      loadCheckpoint: () => decodeCheckpoint(saved as unknown as Uint8Array),
    });
    second.dispose();
    expect([...part.losses.slice(0, 3), ...rest.losses]).toEqual(reference.losses);
  });

  it('interrupted inside an epoch, checkpoints at that step and resumes with exactly the same losses', async () => {
    const full = fresh();
    const reference = await losses(full);
    full.dispose();

    const saved: TrainCheckpoint[] = [];
    let steps = 0;
    const first = fresh();
    const part = await losses(first, {
      saveCheckpoint: (c: TrainCheckpoint) => {
        saved.push(decodeCheckpoint(encodeCheckpoint(c))); // through bytes, as a worker stores it
      },
      shouldInterrupt: () => steps++ >= 4, // epoch 1 has 3 steps: interrupted after step 4 (epoch 2)
    });
    first.dispose();
    expect(part.status).toBe('interrupted');
    const last = saved.at(-1) as TrainCheckpoint;
    expect(last).toMatchObject({ epoch: 1, step: 4, inEpoch: { batches: 1, lossCount: 1 } });

    const second = fresh();
    const rest = await losses(second, { loadCheckpoint: () => last });
    second.dispose();
    expect([...part.losses, ...rest.losses]).toEqual(reference.losses);
  });

  it('accumulates micro-batches to the same step as one full batch', async () => {
    const run = async (microBatchSize: number) => {
      const model = fresh();
      const r = await losses(model, {}, { epochs: 1, dropout: 0, microBatchSize });
      model.dispose();
      return r.losses;
    };
    const whole = await run(8);
    const parts = await run(3);
    parts.forEach((l, i) => {
      expect(l).toBeCloseTo(whole[i] as number, 4);
    });
  });

  it('freezes embeddings and the first layer when asked', async () => {
    const model = fresh();
    const snap = (n: string) => Array.from(model.param(n).dataSync().slice(0, 16));
    const emb = snap('bert.embeddings.word_embeddings.weight');
    const l0 = snap('bert.encoder.layer.0.attention.self.query.weight');
    const l1 = snap('bert.encoder.layer.1.attention.self.query.weight');
    await losses(model, {}, { epochs: 1, freezeEmbeddings: true, freezeLayers: 1 });
    expect(snap('bert.embeddings.word_embeddings.weight')).toEqual(emb);
    expect(snap('bert.encoder.layer.0.attention.self.query.weight')).toEqual(l0);
    expect(snap('bert.encoder.layer.1.attention.self.query.weight')).not.toEqual(l1);
    model.dispose();
  });

  it('trains a new 3-class head with balanced class weights and stops early', async () => {
    const cls = data.map((e) => ({ text: e.text, label: e.label > 0 ? 2 : e.label < 0 ? 0 : 1 }));
    const model = fresh('classification', 3);
    const epochs: Record<string, number>[] = [];
    const r = await fineTune(
      model,
      tokenizer,
      { train: cls, eval: cls },
      {
        ...base,
        task: 'classification',
        epochs: 6,
        learningRate: 1e-9, // nothing improves, so patience 1 stops after epoch 2
        classWeights: 'balanced',
        earlyStopping: { metric: 'accuracy', patience: 1, mode: 'max' },
      },
      { onEpoch: (e) => void epochs.push(e.metrics) },
    );
    expect(r.status).toBe('stopped-early');
    expect(r.epochs).toBe(2);
    expect(Object.keys(epochs[0] ?? {}).sort()).toEqual(['accuracy', 'macro_f1', 'n', 'train_loss']);
    expect(model.param('classifier.weight').shape).toEqual([3, 32]);
    model.dispose();
  });

  it('rejects labels outside the class range, naming the row', async () => {
    const model = fresh('classification', 2);
    await expect(
      fineTune(
        model,
        tokenizer,
        {
          train: [
            { text: 'a', label: 0 },
            { text: 'b', label: 5 },
          ],
        },
        { ...base, task: 'classification' },
      ),
    ).rejects.toThrow(/training row 1: label 5/);
    model.dispose();
  });
});
