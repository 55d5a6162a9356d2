import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index.ts';
import { batchTensors, encode } from '../bert/encoder.ts';
import { BertModel } from '../bert/model.ts';
import { importHfModel } from '../hf/index.ts';
import { padBatch } from '../train/batches.ts';
import { analyzeActivations, layerRepresentations } from './activations.ts';

const FIXTURES = join(import.meta.dirname, '../../../../fixtures/merge');
const TEXTS = [
  'the patient reports mild pain',
  'no pain today',
  'severe headache and nausea',
  'follow up in two weeks',
  'blood pressure is normal',
  'pain in the lower back',
];

beforeAll(async () => {
  await initBackend('cpu', () => {});
});

describe('layer representations and CKA per layer', () => {
  it('pools each layer over real tokens; the last layer is the pooled encoder output', async () => {
    const imported = await importHfModel(join(FIXTURES, 'base'));
    const model = BertModel.fromTensors(imported.config, imported.tensors, { head: 'none' });
    try {
      const reps = layerRepresentations(model, imported.tokenizer, TEXTS, { batchSize: 4 });
      expect(reps).toHaveLength(imported.config.num_hidden_layers + 1);
      // Text 1 alone (no padding): the mean of encode()'s output over its tokens.
      const enc = imported.tokenizer.encode(TEXTS[1] as string, 128);
      const p = padBatch([enc], imported.tokenizer.padId);
      const alone = tf.tidy(
        () => tf.mean(encode(model, batchTensors(p.ids, p.mask, p.types)), 1).dataSync() as Float32Array,
      );
      const H = imported.config.hidden_size;
      const last = reps.at(-1) as Float32Array;
      for (let j = 0; j < H; j++) expect(last[H + j]).toBeCloseTo(alone[j] as number, 4);
    } finally {
      model.dispose();
    }
  });

  it('gives CKA 1 for a model against itself and below 1 against a fine-tune, on every layer', async () => {
    const base = join(FIXTURES, 'base');
    const report = await analyzeActivations(
      base,
      [base, join(FIXTURES, 'tuned_a'), join(FIXTURES, 'tuned_b')],
      TEXTS,
    );
    expect(report.rows).toBe(6);
    expect(report.layers).toEqual(['embeddings', 'layer 0', 'layer 1']);
    for (const v of report.baseVsTuned[0] ?? []) expect(v).toBeCloseTo(1, 5);
    for (const v of report.baseVsTuned[1] ?? []) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThan(0.99999);
    }
    // The pair (base-as-tuned, tuned_a) is the same comparison as base against tuned_a.
    expect(report.pairs.find((p) => p.a === 0 && p.b === 1)?.cka).toEqual(report.baseVsTuned[1]);
    expect(report.pairs).toHaveLength(3);
  });

  it('refuses fewer than two texts', async () => {
    await expect(
      analyzeActivations(join(FIXTURES, 'base'), [join(FIXTURES, 'tuned_a')], ['one']),
    ).rejects.toThrow(/at least two texts/);
  });
});
