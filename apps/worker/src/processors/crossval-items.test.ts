// The study's protocol end to end against real Postgres and Redis with the tiny-bert fixture: a
// long-shape 3-item scale (one row per interview segment and item, a group column = interview id,
// real and synthetic interviews), a 3-fold cross-validation that trains on every row and judges on
// real rows only. Checks the fold assignment (interviews whole, strata spread, seeded), that every
// fold scored only real rows of its own fold, and that the parent's per-item mean ± sample std
// equals what the test recomputes from the fold runs' own figures and predictions.
import path from 'node:path';
import { crossValidationFolds } from '@tunelab/core/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProcessorTestEnv,
  destroyProcessorTestEnv,
  REPO_FIXTURES,
  runProcessorJob,
  type TProcessorTestEnv,
} from '../../test/processor-env.ts';

let env: TProcessorTestEnv;
let prisma: TProcessorTestEnv['prisma'];

beforeAll(async () => {
  env = await createProcessorTestEnv('worker_crossval_items', {
    tiny: path.join(REPO_FIXTURES, 'tiny-bert'),
  });
  ({ prisma } = env);
}, 120_000);

afterAll(async () => {
  const { closeProducer } = await import('@tunelab/jobs');
  await closeProducer();
  await destroyProcessorTestEnv(env);
});

const ITEMS = ['sadness', 'sleep', 'appetite'];
const WORDS = ['calm', 'low', 'tired', 'hopeless', 'restless', 'empty', 'worn'];
/** Interviews 0–11 are cross-validated (9–11 synthetic), 12–13 are the held-out test split. */
const DOCS = 14;
const severity = (doc: number) => (doc % 4) * 2; // 0, 2, 4, 6: every segment of an interview in one stratum
const K = 3;
const SEED = 7;

function sampleStd(xs: number[]): number {
  const m = xs.reduce((t, x) => t + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((t, x) => t + (x - m) ** 2, 0) / (xs.length - 1));
}
const mean = (xs: number[]) => xs.reduce((t, x) => t + x, 0) / xs.length;

type TItemFigures = {
  metrics: Record<string, number>;
  reference?: Record<string, number>;
  errorReduction?: Record<string, number | null>;
};
type TFoldSummary = {
  metrics: Record<string, number>;
  evalRows: number;
  trainRows: number;
  errorReduction: { mae: number; flexible: number };
  reference: { kind: string; metrics: Record<string, number> };
  items: Record<string, TItemFigures>;
};
type TStat = { mean: Record<string, number>; std: Record<string, number> };
type TParentSummary = {
  metrics: Record<string, number>;
  errorReduction: { mae: number; flexible: number };
  cv: {
    k: number;
    stdKind: string;
    mean: Record<string, number>;
    std: Record<string, number>;
    errorReduction: TStat;
    reference: TStat & { kind: string };
    items: Record<string, { metrics: TStat; errorReduction: TStat }>;
  };
};

describe('run.crossval on a long-shape multi-item scale, judged on real rows only', () => {
  it('keeps interviews whole, scores real rows of each fold and aggregates per item over folds', async () => {
    const rows = Array.from({ length: DOCS * ITEMS.length }, (_, i) => {
      const doc = Math.floor(i / ITEMS.length);
      const item = i % ITEMS.length;
      const label = severity(doc);
      return {
        index: i,
        text: `${WORDS[label]} ${WORDS[(label + item + 1) % WORDS.length]} about ${ITEMS[item]} in interview ${doc}`,
        label,
        item,
        group: `interview-${doc}`,
        source: doc >= 9 && doc < 12 ? ('synthetic' as const) : ('real' as const),
        split: doc >= 12 ? ('test' as const) : ('train' as const),
      };
    });
    const dataset = await prisma.dataset.create({
      data: {
        name: 'madrs-like',
        task: 'regression',
        labelMin: 0,
        labelMax: 6,
        textColumn: 'text',
        labelColumn: 'score',
        shape: 'long',
        itemColumn: 'item',
        groupColumn: 'interview',
        sourceColumn: 'source',
        items: ITEMS.map((name) => ({ name, labelMin: 0, labelMax: 6 })),
        rowCount: rows.length,
        status: 'ready',
        rows: { create: rows },
      },
    });
    await prisma.model.create({
      data: {
        id: 'tiny',
        name: 'tiny-bert',
        kind: 'base',
        config: {},
        tokenizer: {},
        artifactPath: 'models/tiny',
      },
    });
    const parent = await prisma.run.create({
      data: {
        kind: 'crossval',
        datasetId: dataset.id,
        modelId: 'tiny',
        seed: 0,
        params: {
          epochs: 1,
          batchSize: 8,
          maxLength: 16,
          lr: 1e-3,
          maxSteps: 2,
          tolerance: 1,
          evalSource: 'real',
          cv: { k: K, seed: SEED, grouped: true },
        },
      },
    });

    // the fold assignment the study needs, from the core function every fold run calls
    const pool = rows.filter((r) => r.split !== 'test');
    const folds = crossValidationFolds(pool, { task: 'regression', k: K, seed: SEED, grouped: true });
    expect(crossValidationFolds(pool, { task: 'regression', k: K, seed: SEED, grouped: true })).toEqual(
      folds,
    );
    const foldOfDoc = new Map<string, Set<number>>();
    pool.forEach((r, i) => {
      foldOfDoc.set(r.group, (foldOfDoc.get(r.group) ?? new Set()).add(folds[i] as number));
    });
    expect([...foldOfDoc.values()].every((s) => s.size === 1)).toBe(true); // no interview on both sides
    // stratified: each fold holds one interview of each severity (3 rows per stratum per fold)
    for (let f = 0; f < K; f++)
      for (const s of [0, 2, 4, 6])
        expect(pool.filter((r, i) => folds[i] === f && r.label === s)).toHaveLength(ITEMS.length);

    const { crossvalProcessor } = await import('./crossval.ts');
    await runProcessorJob([crossvalProcessor], 'run.crossval', { runId: parent.id }, 'cpu');
    const children = await prisma.run.findMany({
      where: { parentRunId: parent.id },
      orderBy: { createdAt: 'asc' },
    });
    expect(children).toHaveLength(K);
    const { trainProcessor } = await import('./train.ts');
    for (const child of children) {
      await runProcessorJob([trainProcessor], 'run.train', { runId: child.id }, 'cpu');
    }
    const done = await prisma.run.findUniqueOrThrow({ where: { id: parent.id } });
    expect(done.status).toBe('succeeded');
    const s = done.summary as unknown as TParentSummary;

    const fold = new Map<
      number,
      {
        summary: TFoldSummary;
        predictions: { index: number; label: number; item: number; prediction: number; source: string }[];
      }
    >();
    for (const child of await prisma.run.findMany({ where: { parentRunId: parent.id } })) {
      expect(child.status).toBe('succeeded');
      const f = (child.params as { fold: number }).fold;
      const ev = await prisma.evaluation.findFirstOrThrow({ where: { runId: child.id } });
      fold.set(f, {
        summary: child.summary as unknown as TFoldSummary,
        predictions: ev.predictions as never,
      });
    }
    expect([...fold.keys()].sort()).toEqual([0, 1, 2]);

    for (const [f, { summary, predictions }] of fold) {
      // real-only evaluation: exactly the real rows of this fold, never a synthetic or test row
      const expected = pool.filter((r, i) => folds[i] === f && r.source === 'real').map((r) => r.index);
      expect(predictions.map((p) => p.index).sort((a, b) => a - b)).toEqual(expected);
      expect(predictions.every((p) => p.source === 'real')).toBe(true);
      expect(summary.evalRows).toBe(expected.length);
      // training used every row (real and synthetic) of the other folds
      expect(summary.trainRows).toBe(folds.filter((x) => x !== f).length);
      // each item's MAE, recomputed from the fold's stored predictions (its own item's output)
      ITEMS.forEach((name, j) => {
        const mine = predictions.filter((p) => p.item === j);
        expect(mine.length).toBeGreaterThan(0);
        const mae = mean(mine.map((p) => Math.abs(p.prediction - p.label)));
        expect(summary.items[name]?.metrics.mae).toBeCloseTo(mae, 9);
        const ref = summary.items[name]?.reference?.mae as number;
        expect(summary.items[name]?.errorReduction?.mae).toBeCloseTo(1 - mae / ref, 9);
      });
      // the fold's unprefixed figures are the means over items
      expect(summary.metrics.mae).toBeCloseTo(
        mean(ITEMS.map((n) => summary.items[n]?.metrics.mae as number)),
        9,
      );
    }

    // the parent: mean ± sample std over folds of each item's figures, recomputed here
    expect(s.cv.k).toBe(K);
    expect(s.cv.stdKind).toBe('sample');
    const byFold = [...fold.values()].map((x) => x.summary);
    for (const name of ITEMS) {
      for (const key of ['mae', 'flexibleAccuracy', 'accuracy', 'rmse']) {
        const xs = byFold.map((b) => b.items[name]?.metrics[key] as number);
        expect(s.cv.items[name]?.metrics.mean[key]).toBeCloseTo(mean(xs), 12);
        expect(s.cv.items[name]?.metrics.std[key]).toBeCloseTo(sampleStd(xs), 12);
      }
      for (const key of ['mae', 'flexible']) {
        const xs = byFold.map((b) => b.items[name]?.errorReduction?.[key] as number);
        expect(s.cv.items[name]?.errorReduction.mean[key]).toBeCloseTo(mean(xs), 12);
        expect(s.cv.items[name]?.errorReduction.std[key]).toBeCloseTo(sampleStd(xs), 12);
      }
    }
    // averaged over items: the folds' means over items, then mean ± std over folds
    const maes = byFold.map((b) => b.metrics.mae as number);
    expect(s.metrics.mae).toBeCloseTo(mean(maes), 12);
    expect(s.cv.std.mae).toBeCloseTo(sampleStd(maes), 12);
    expect(s.errorReduction.mae).toBeCloseTo(mean(byFold.map((b) => b.errorReduction.mae)), 12);
    expect(s.cv.errorReduction.std.flexible).toBeCloseTo(
      sampleStd(byFold.map((b) => b.errorReduction.flexible)),
      12,
    );
    // the reference is named: the default, each item's mean of its fold's training labels
    expect(s.cv.reference.kind).toBe('mean of train labels, per item');
  }, 300_000);
});
