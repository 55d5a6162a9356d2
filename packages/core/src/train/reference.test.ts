import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index.ts';
import { itemErrorReductions, itemsMismatch, modelReferenceKind, scaleRefusal } from '../metrics/index.ts';
import { loadModel, saveModel } from './hf.ts';
import { predict } from './predict.ts';
import { loadReferenceModel, referenceScoring } from './reference.ts';
import { scoreModel, type TScoreRow } from './score.ts';

// The reference of error reduction (`tunelab eval --reference-model`, a run's referenceModelId):
// which head it gets, and its per-item figures on a multi-item scale, on the tiny-bert fixture
// (a regression checkpoint with one output).
const TINY = join(import.meta.dirname, '../../../../fixtures/tiny-bert');
const WORDS = ['good', 'bad', 'sad', 'mood', 'never', 'coffee', 'family', 'doctor'];
// wide rows of a 3-item scale (a 0..6, b 0..6, c 0..2); every third row has no b label
const rows: TScoreRow[] = Array.from({ length: 12 }, (_, i) => ({
  text: `${WORDS[i % 8]} ${WORDS[(i * 3 + 1) % 8]}`,
  label: i % 7,
  labels: [i % 7, i % 3 === 0 ? null : (i * 2) % 7, i % 3],
  source: i % 4 === 0 ? 'synthetic' : 'real',
}));
const ITEMS = [
  { name: 'a', labelRange: [0, 6] as [number, number] },
  { name: 'b', labelRange: [0, 6] as [number, number] },
  { name: 'c', labelRange: [0, 2] as [number, number] },
];
const opts = { task: 'regression' as const, maxLength: 12, tolerance: 1 };

let dir: string;
beforeAll(async () => {
  await initBackend();
  dir = await mkdtemp(join(tmpdir(), 'tunelab-reference-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the reference model decision (one place for the CLI and runs)', () => {
  it('names the head from the loaded model: its own, or untrained with the seed', () => {
    expect(modelReferenceKind('base', { initialisedHead: [] }, 3)).toBe('model "base" (its own head)');
    expect(modelReferenceKind('base', { initialisedHead: ['classifier.weight'] }, 3)).toBe(
      'model "base" (untrained head, seed 3)',
    );
  });

  it('keeps a head of the compared space; initialises one per item, seeded, for a multi-item model', async () => {
    const own = await loadReferenceModel(TINY, 'tiny', { task: 'regression' }, 0);
    expect(own.kind).toBe('model "tiny" (its own head)');
    expect(own.model.numLabels).toBe(1);
    own.model.dispose();

    const texts = rows.map((r) => r.text);
    const seeded = await Promise.all(
      [7, 7, 8].map((seed) => loadReferenceModel(TINY, 'tiny', { task: 'regression', outputs: 3 }, seed)),
    );
    const [a, b, c] = seeded.map((r) => predict(r.model, r.tokenizer, texts, { maxLength: 12 }));
    expect(seeded[0]?.kind).toBe('model "tiny" (untrained head, seed 7)');
    expect(seeded[2]?.kind).toBe('model "tiny" (untrained head, seed 8)');
    expect(seeded[0]?.model.numLabels).toBe(3);
    expect(a?.[0]?.values).toHaveLength(3);
    // the seed decides the untrained head, and nothing else does
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    for (const r of seeded) r.model.dispose();
  });

  it('a saved multi-item model keeps its own head as a reference for a model of its scale', async () => {
    const made = await loadModel(TINY, { task: 'regression', numLabels: 3, seed: 11 });
    made.model.itemNames = ITEMS.map((i) => i.name);
    made.model.itemRanges = ITEMS.map((i) => i.labelRange);
    const out = join(dir, 'three');
    await saveModel(out, made.model, made.tokenizer);
    const ref = await loadReferenceModel(out, 'three', { task: 'regression', outputs: 3 }, 0);
    expect(ref.kind).toBe('model "three" (its own head)');
    const texts = rows.map((r) => r.text);
    expect(predict(ref.model, ref.tokenizer, texts, { maxLength: 12 })).toEqual(
      predict(made.model, made.tokenizer, texts, { maxLength: 12 }),
    );
    // …but not for a single-output model: then its head is replaced and the kind says so
    const single = await loadReferenceModel(out, 'three', { task: 'regression', outputs: 1 }, 0);
    expect(single.kind).toBe('model "three" (untrained head, seed 0)');
    for (const m of [made.model, ref.model, single.model]) m.dispose();
  });

  it('scores the reference per item in the compared model’s items; error reduction per item', async () => {
    const model = (await loadModel(TINY, { task: 'regression', numLabels: 3, seed: 5 })).model;
    model.itemNames = ITEMS.map((i) => i.name);
    model.itemRanges = ITEMS.map((i) => i.labelRange);
    const tokenizer = (await loadModel(TINY)).tokenizer;
    const ref = await loadReferenceModel(TINY, 'tiny', { task: 'regression', outputs: 3 }, 0);
    const scored = scoreModel(model, tokenizer, rows, opts);
    const refScored = scoreModel(ref.model, ref.tokenizer, rows, referenceScoring(model, opts));
    // the base names its outputs LABEL_i; scored in the model's items, the figures line up
    expect(Object.keys(refScored.items ?? {})).toEqual(['a', 'b', 'c']);
    const values = predict(
      ref.model,
      ref.tokenizer,
      rows.map((r) => r.text),
      { maxLength: 12 },
    ).map((p) => p.values ?? p.logits);
    ITEMS.forEach((item, j) => {
      const labelled = rows.flatMap((r, i) =>
        r.labels?.[j] == null ? [] : [{ y: r.labels[j] as number, p: values[i]?.[j] as number }],
      );
      const mae = labelled.reduce((s, l) => s + Math.abs(l.p - l.y), 0) / labelled.length;
      const [lo, hi] = item.labelRange;
      const rounded = (p: number) => {
        const x = Math.min(hi, Math.max(lo, p));
        return Math.sign(x) * Math.round(Math.abs(x));
      };
      const flexible = labelled.filter((l) => Math.abs(rounded(l.p) - l.y) <= 1).length / labelled.length;
      expect(refScored.items?.[item.name]?.metrics.mae).toBeCloseTo(mae, 10);
      expect(refScored.items?.[item.name]?.metrics.flexible_accuracy).toBeCloseTo(flexible, 10);
      expect(refScored.items?.[item.name]?.metrics.n).toBe(labelled.length);
    });
    const reductions = itemErrorReductions('regression', scored.items ?? {}, refScored.items);
    for (const item of ITEMS) {
      const m = scored.items?.[item.name]?.metrics.mae as number;
      const r = refScored.items?.[item.name]?.metrics.mae as number;
      expect(reductions[item.name]?.mae).toBeCloseTo(1 - m / r, 10);
    }
    for (const m of [model, ref.model]) m.dispose();
  });
});

describe('itemsMismatch', () => {
  const model = (numLabels: number, itemNames: string[] | null = null) => ({
    head: 'regression',
    numLabels,
    itemNames,
  });
  it('one output per item, the same items in the same order', () => {
    expect(itemsMismatch(model(3, ['a', 'b', 'c']), ITEMS)).toBeNull();
    expect(itemsMismatch(model(3, ['LABEL_0', 'LABEL_1', 'LABEL_2']), ITEMS)).toBeNull();
    expect(itemsMismatch(model(1), null)).toBeNull();
    expect(itemsMismatch(model(1), ITEMS)).toBe('has 1 output but the scale has 3 items (a, b, c)');
    expect(itemsMismatch(model(3), null)).toBe('scores 3 items but the scale has one label');
    expect(itemsMismatch(model(3, ['c', 'b', 'a']), ITEMS)).toBe(
      "scores the items c, b, a but the scale's are a, b, c",
    );
    expect(itemsMismatch({ head: 'classification', numLabels: 4, itemNames: null }, ITEMS)).toBeNull();
    expect(scaleRefusal('m', model(3), 'd', null)).toBe(
      'Model "m" scores 3 items but the scale has one label (dataset "d"): evaluate a model fine-tuned on this scale',
    );
    expect(scaleRefusal('m', model(3), 'd', ITEMS)).toBeNull();
  });
});
