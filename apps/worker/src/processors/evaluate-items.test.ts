import path from 'node:path';
import { initBackend } from '@tunelab/core/backend';
import { loadModel, predict, saveModel } from '@tunelab/core/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProcessorTestEnv,
  destroyProcessorTestEnv,
  REPO_FIXTURES,
  runProcessorJob,
  type TProcessorTestEnv,
} from '../../test/processor-env.ts';

// Evaluate runs and merge scoring on a multi-item scale: per-item figures and their means, as
// training runs report them; a model of another scale is refused (evaluate) or skipped (merge).
let env: TProcessorTestEnv;
let prisma: TProcessorTestEnv['prisma'];
const TINY = path.join(REPO_FIXTURES, 'tiny-bert');

beforeAll(async () => {
  env = await createProcessorTestEnv('worker_evaluate_items', { tiny: TINY });
  ({ prisma } = env);
  await initBackend();
}, 120_000);
afterAll(async () => {
  const { closeProducer } = await import('@tunelab/jobs');
  await closeProducer();
  await destroyProcessorTestEnv(env);
});

const ITEMS = ['mood', 'sleep', 'appetite'];
const RANGES: [number, number][] = [
  [0, 6],
  [0, 6],
  [0, 2],
];
const WORDS = ['good', 'bad', 'great', 'awful', 'fine', 'terrible', 'nice', 'poor'];
// wide rows: every label per item; eval row 13 has no sleep label (masked for that item)
const ROWS = Array.from({ length: 16 }, (_, i) => ({
  index: i,
  text: `${WORDS[i % 8]} thing ${WORDS[(i * 3) % 8]}`,
  labels: [(i % 7) % 6, i === 13 ? null : (i * 2) % 7, i % 3] as (number | null)[],
  split: i < 10 ? ('train' as const) : ('eval' as const),
}));

/** A 3-output regression model from tiny-bert with a seeded head, saved into the artifact store. */
async function threeItemModel(id: string, seed: number) {
  const made = await loadModel(TINY, { task: 'regression', numLabels: 3, seed });
  made.model.itemNames = [...ITEMS];
  made.model.itemRanges = RANGES;
  await saveModel(path.join(env.artifacts, 'models', id), made.model, made.tokenizer);
  const values = predict(
    made.model,
    made.tokenizer,
    ROWS.map((r) => r.text),
    { maxLength: 16 },
  ).map((p) => p.values ?? p.logits);
  made.model.dispose();
  return values;
}

async function wideDataset(name: string) {
  return prisma.dataset.create({
    data: {
      name,
      task: 'regression',
      labelMin: 0,
      labelMax: 6,
      textColumn: 'text',
      labelColumn: 'mood',
      shape: 'wide',
      items: ITEMS.map((item, j) => ({ name: item, labelMin: RANGES[j]?.[0], labelMax: RANGES[j]?.[1] })),
      status: 'ready',
      rows: {
        create: ROWS.map((r) => ({ ...r, label: r.labels[0] as number, labels: r.labels })),
      },
    },
  });
}

const model = (id: string, numLabels: number, parentRunId?: string) =>
  prisma.model.create({
    data: {
      id,
      name: id,
      kind: parentRunId ? 'finetuned' : 'base',
      task: 'regression',
      numLabels,
      config: {},
      tokenizer: {},
      artifactPath: `models/${id}`,
      parentRunId,
    },
  });

type Figures = { mae: number; n: number };

describe('run.evaluate on a multi-item dataset', () => {
  it('scores per item with the means over items, against the per-item mean of the train labels', async () => {
    const values = await threeItemModel('three', 3);
    await model('three', 3);
    await model('tiny', 1);
    const dataset = await wideDataset('scale');
    const run = await prisma.run.create({
      data: { kind: 'evaluate', modelId: 'three', datasetId: dataset.id, params: { maxLength: 16 } },
    });
    const { evaluateProcessor } = await import('./evaluate.ts');
    await runProcessorJob([evaluateProcessor], 'run.evaluate', { runId: run.id });
    const after = await prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(after.status).toBe('succeeded');
    const summary = after.summary as {
      evalRows: number;
      metrics: Figures;
      reference: { kind: string; metrics: Figures };
      items: Record<string, { metrics: Figures; reference: Figures; errorReduction: { mae: number } }>;
    };
    expect(summary.evalRows).toBe(6);
    expect(Object.keys(summary.items)).toEqual(ITEMS);
    expect(summary.reference.kind).toMatch(/per item/);
    const evalRows = ROWS.filter((r) => r.split === 'eval');
    const train = ROWS.filter((r) => r.split === 'train');
    ITEMS.forEach((item, j) => {
      const labelled = evalRows.filter((r) => r.labels[j] != null);
      const ys = labelled.map((r) => r.labels[j] as number);
      const mae =
        labelled.reduce((s, r, k) => s + Math.abs((values[r.index]?.[j] as number) - (ys[k] as number)), 0) /
        ys.length;
      const mean = train.reduce((s, r) => s + (r.labels[j] as number), 0) / train.length;
      const refMae = ys.reduce((s, y) => s + Math.abs(mean - y), 0) / ys.length;
      const s = summary.items[item];
      expect(s?.metrics.n).toBe(item === 'sleep' ? 5 : 6);
      expect(s?.metrics.mae).toBeCloseTo(mae, 5);
      expect(s?.reference.mae).toBeCloseTo(refMae, 10);
      expect(s?.errorReduction.mae).toBeCloseTo(1 - mae / refMae, 5);
    });
    expect(summary.metrics.mae).toBeCloseTo(
      ITEMS.reduce((s, item) => s + (summary.items[item]?.metrics.mae ?? 0), 0) / 3,
      10,
    );
    expect(summary.metrics.n).toBe(17);
    const ev = await prisma.evaluation.findFirstOrThrow({ where: { runId: run.id } });
    const stored = ev.metrics as Record<string, number>;
    expect(stored['sleep/mae']).toBeCloseTo(summary.items.sleep?.metrics.mae as number, 10);
    expect(stored.mae).toBeCloseTo(summary.metrics.mae, 10);

    // a model with one output cannot score three items: refused, naming model, dataset and items
    const bad = await prisma.run.create({
      data: { kind: 'evaluate', modelId: 'tiny', datasetId: dataset.id, params: { maxLength: 16 } },
    });
    const err = await runProcessorJob([evaluateProcessor], 'run.evaluate', { runId: bad.id }).catch(
      (e: Error) => e,
    );
    expect(String(err)).toContain(
      'Model "tiny" has 1 output but the scale has 3 items (mood, sleep, appetite) (dataset "scale")',
    );
    expect((await prisma.run.findUniqueOrThrow({ where: { id: bad.id } })).status).toBe('failed');
  }, 300_000);

  it('merge scoring: merged model and parents per item on the parents’ multi-item dataset', async () => {
    const dataset = await wideDataset('scale-merge');
    for (const [id, seed] of [
      ['three_a', 5],
      ['three_b', 6],
    ] as const) {
      await threeItemModel(id, seed);
      const parentRun = await prisma.run.create({
        data: {
          kind: 'train',
          status: 'succeeded',
          datasetId: dataset.id,
          modelId: 'tiny',
          params: { maxLength: 16 },
        },
      });
      await model(id, 3, parentRun.id);
    }
    const config = JSON.stringify({
      merge_method: 'linear',
      models: [
        { model: 'three_a', parameters: { weight: 0.5 } },
        { model: 'three_b', parameters: { weight: 0.5 } },
      ],
      dtype: 'float32',
    });
    const run = await prisma.run.create({
      data: {
        kind: 'merge',
        merge: {
          create: {
            method: 'linear',
            config,
            // one output: it cannot score the three items and is skipped
            baseModelId: 'tiny',
            parents: { create: ['three_a', 'three_b'].map((modelId, order) => ({ modelId, order })) },
          },
        },
      },
      include: { merge: true },
    });
    const { mergeProcessor } = await import('./merge.ts');
    const result = (await runProcessorJob([mergeProcessor], 'merge.run', { runId: run.id })) as {
      modelId: string;
      evaluations: number;
    };
    expect(result.evaluations).toBe(3);
    const evaluations = await prisma.evaluation.findMany({ where: { mergeId: run.merge?.id } });
    expect(evaluations.map((e) => e.modelId).sort()).toEqual([result.modelId, 'three_a', 'three_b'].sort());
    for (const e of evaluations) {
      const m = e.metrics as Record<string, number>;
      for (const item of ITEMS) expect(m[`${item}/mae`]).toBeTypeOf('number');
      expect(m.mae).toBeCloseTo(ITEMS.reduce((s, item) => s + (m[`${item}/mae`] ?? 0), 0) / 3, 10);
    }
  }, 300_000);
});
