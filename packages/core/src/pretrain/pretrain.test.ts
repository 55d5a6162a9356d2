import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index.ts';
import { Rng } from '../bert/rng.ts';
import { importHfModel } from '../hf/index.ts';
import { decodeCheckpoint, encodeCheckpoint } from '../train/checkpoint.ts';
import { loadModel, saveModel } from '../train/hf.ts';
import { maskTokens } from './masking.ts';
import { pretrainMlm } from './pretrain.ts';

describe('maskTokens', () => {
  it('selects ~15% of real tokens, 80/10/10, never specials or padding', () => {
    const rng = new Rng(1);
    const rows = Array.from({ length: 400 }, () => [
      2,
      ...Array.from({ length: 50 }, () => 10 + rng.int(90)),
      3,
      0,
      0,
    ]);
    const mask = rows.map((r) => r.map((id) => (id === 0 ? 0 : 1)));
    const m = maskTokens(rows, mask, new Rng(2), {
      maskId: 4,
      vocabSize: 100,
      specialIds: new Set([0, 1, 2, 3, 4]),
    });
    const L = 54;
    const selected = m.positions.length / (400 * 50);
    expect(selected).toBeGreaterThan(0.14);
    expect(selected).toBeLessThan(0.16);
    let masked = 0;
    let same = 0;
    m.positions.forEach((pos, i) => {
      const r = Math.floor(pos / L);
      const c = pos % L;
      expect(c).toBeGreaterThan(0);
      expect(c).toBeLessThan(51);
      const now = m.ids[r]?.[c];
      if (now === 4) masked++;
      else if (now === m.labels[i]) same++;
    });
    expect(masked / m.positions.length).toBeCloseTo(0.8, 1);
    // "unchanged" also catches random draws that hit the same token (~1/90 of the random 10%).
    expect(same / m.positions.length).toBeGreaterThan(0.08);
    expect(same / m.positions.length).toBeLessThan(0.12);
  });

  it('always selects at least one token', () => {
    const m = maskTokens([[2, 50, 3]], [[1, 1, 1]], new Rng(3), {
      maskId: 4,
      vocabSize: 60,
      specialIds: new Set([2, 3, 4]),
      probability: 0,
    });
    expect(m.positions).toEqual([1]);
    expect(m.labels).toEqual([50]);
  });
});

// A tiny corpus with strong regularities ("the cat sat on the mat"-style templates).
const SUBJECTS = ['the cat', 'the dog', 'a bird', 'my friend', 'the doctor', 'the patient'];
const VERBS = ['sat on', 'looked at', 'walked to', 'slept near', 'talked about'];
const OBJECTS = ['the mat', 'the door', 'a tree', 'the house', 'the garden', 'the river'];
const corpus = Array.from({ length: 96 }, (_, i) => {
  const s = SUBJECTS[i % SUBJECTS.length];
  const v = VERBS[(i * 5) % VERBS.length];
  const o = OBJECTS[(i * 7) % OBJECTS.length];
  return `${s} ${v} ${o} .`;
});

describe('pretrainMlm', { timeout: 60_000 }, () => {
  beforeAll(async () => {
    await initBackend('wasm', () => {});
  });

  it('resumes from an epoch checkpoint with the losses of an uninterrupted run', async () => {
    const opts = {
      config: { hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 1, intermediate_size: 32 },
      vocabSize: 60,
      epochs: 2,
      batchSize: 32,
      maxLength: 12,
      seed: 9,
    };
    const losses = (out: number[]) => ({ onStep: (e: { loss: number }) => void out.push(e.loss) });
    const full: number[] = [];
    (await pretrainMlm(corpus, opts, losses(full))).model.dispose();
    let saved: Uint8Array | null = null;
    const first: number[] = [];
    const cut = await pretrainMlm(corpus, opts, {
      ...losses(first),
      saveCheckpoint: (c) => {
        saved = encodeCheckpoint(c);
      },
      shouldStop: () => first.length >= 4, // epoch 1 has 3 steps
    });
    cut.model.dispose();
    expect(cut.status).toBe('cancelled');
    const rest: number[] = [];
    const resumed = await pretrainMlm(corpus, opts, {
      ...losses(rest),
      loadCheckpoint: () => decodeCheckpoint(saved as unknown as Uint8Array),
    });
    resumed.model.dispose();
    expect([...first.slice(0, 3), ...rest]).toEqual(full);
    expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2]);
  });

  it('lowers the masked-LM loss on a tiny corpus and saves a loadable BertForMaskedLM folder', async () => {
    const before = tf.memory().numTensors;
    const result = await pretrainMlm(corpus, {
      config: { hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 64 },
      vocabSize: 80,
      epochs: 8,
      batchSize: 16,
      maxLength: 16,
      learningRate: 3e-3,
      seed: 5,
    });
    const losses = result.history.map((h) => h.metrics.train_loss as number);
    expect(losses.at(-1)).toBeLessThan((losses[0] as number) * 0.7);
    const dir = join(mkdtempSync(join(tmpdir(), 'tunelab-mlm-')), 'mlm');
    await saveModel(dir, result.model, result.tokenizer);
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const imported = await importHfModel(dir);
    expect(imported.headKind).toBe('masked-lm');
    expect(imported.config.architectures).toEqual(['BertForMaskedLM']);
    // A pretrained base fine-tunes: its regression head (and pooler) are initialised fresh.
    const { model } = await loadModel(dir, { task: 'regression', seed: 1 });
    expect(model.param('classifier.weight').shape).toEqual([1, 32]);
    model.dispose();
  });
});
