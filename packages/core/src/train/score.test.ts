import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index.ts';
import { BertModel } from '../bert/model.ts';
import { importHfModel } from '../hf/index.ts';
import type { WordPieceTokenizer } from '../tokenizer/index.ts';
import { scoreModel } from './score.ts';

const DIR = new URL('../../../../fixtures/tiny-bert/', import.meta.url).pathname;
let imported: Awaited<ReturnType<typeof importHfModel>>;
let tokenizer: WordPieceTokenizer;

/** A model whose head ignores the text: zero weights, so every output is the bias. */
function constantModel(head: 'regression' | 'classification', bias: number[]): BertModel {
  const model = BertModel.fromTensors(imported.config, imported.tensors, {
    head,
    numLabels: bias.length,
    seed: 1,
  });
  const w = model.param('classifier.weight');
  tf.tidy(() => {
    w.assign(tf.zerosLike(w));
    model.param('classifier.bias').assign(tf.tensor1d(bias));
  });
  return model;
}

beforeAll(async () => {
  await initBackend('cpu');
  imported = await importHfModel(DIR);
  tokenizer = imported.tokenizer;
});

describe('scoreModel', () => {
  it('regression: predicts 2.5 everywhere → rounded 3, clamped to the model range', () => {
    const model = constantModel('regression', [2.5]);
    const rows = [
      { text: 'good mood', label: 3, source: 'real' as const },
      { text: 'sad', label: 2, source: 'synthetic' as const },
      { text: 'coffee', label: 5, source: 'real' as const },
    ];
    try {
      const s = scoreModel(model, tokenizer, rows, { task: 'regression', labelRange: [0, 6], tolerance: 1 });
      expect(s.predictions.map((p) => p.prediction)).toEqual(
        [2.5, 2.5, 2.5].map((x) => expect.closeTo(x, 5)),
      );
      // rounded 3 vs 3, 2, 5 → strict 1/3; within ±1: 3, 2 → 2/3; MAE (0.5 + 0.5 + 2.5)/3
      expect(s.metrics).toMatchObject({
        accuracy: 1 / 3,
        flexible_accuracy: expect.closeTo(2 / 3, 12),
        n: 3,
      });
      expect(s.metrics.mae).toBeCloseTo(3.5 / 3, 4);
      expect(s.bySource?.real).toMatchObject({ accuracy: 1 / 2, flexible_accuracy: 1 / 2, n: 2 });
      expect(s.bySource?.synthetic).toMatchObject({ accuracy: 0, flexible_accuracy: 1, n: 1 });
      // The model's stored range is the default: [0, 2] clamps 2.5 to 2 → label 2 hits
      model.labelRange = [0, 2];
      expect(scoreModel(model, tokenizer, rows, { task: 'regression' }).metrics.accuracy).toBe(1 / 3);
      expect(
        scoreModel(model, tokenizer, [rows[1] as (typeof rows)[number]], { task: 'regression' }).metrics
          .accuracy,
      ).toBe(1);
    } finally {
      model.dispose();
    }
  });

  it('classification: argmax of a constant head, scored over the model classes', () => {
    const model = constantModel('classification', [0, 1, 0]);
    try {
      const s = scoreModel(
        model,
        tokenizer,
        [0, 1, 1, 2].map((label, i) => ({ text: `text ${i}`, label })),
        { task: 'classification' },
      );
      expect(s.predictions.map((p) => p.prediction)).toEqual([1, 1, 1, 1]);
      // class 1: TP 2, FP 2 → F1 4/6; classes 0 and 2: F1 0 → macro (2/3)/3
      expect(s.metrics).toEqual({ accuracy: 0.5, macro_f1: expect.closeTo(2 / 9, 12), n: 4 });
      expect(s.confusionMatrix?.length).toBe(3);
    } finally {
      model.dispose();
    }
  });

  it('refuses a task the head does not have, and scores an empty set as n 0', () => {
    const model = constantModel('regression', [1]);
    try {
      expect(() =>
        scoreModel(model, tokenizer, [{ text: 'a', label: 1 }], { task: 'classification' }),
      ).toThrow(/classification task with a model whose head is "regression"/);
      expect(scoreModel(model, tokenizer, [], { task: 'regression' }).metrics).toEqual({ n: 0 });
    } finally {
      model.dispose();
    }
  });
});

describe('stored label range', () => {
  it('a regression model saves its training range in config.json and loads it back', async () => {
    const { mkdtemp, readFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { loadModel, saveModel } = await import('./hf.ts');
    const dir = await mkdtemp(join(tmpdir(), 'tunelab-range-'));
    const model = constantModel('regression', [0.5]);
    try {
      model.labelRange = [0, 6];
      await saveModel(dir, model, tokenizer);
      const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
      expect(config.tunelab_label_range).toEqual([0, 6]);
      const loaded = await loadModel(dir);
      expect(loaded.model.labelRange).toEqual([0, 6]);
      loaded.model.dispose();
    } finally {
      model.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
