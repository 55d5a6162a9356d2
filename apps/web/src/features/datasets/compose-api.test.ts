import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWebTestEnv,
  destroyWebTestEnv,
  postJson,
  type TWebTestEnv,
} from '../../../test/web-test-env.ts';
import { POST as compose } from './api/compose-route.ts';
import { POST as createDataset } from './api/datasets-route.ts';
import { POST as assignFolds, DELETE as clearFolds } from './api/folds-route.ts';

const ids: Record<string, string> = {};

async function upload(name: string, csv: string, spec: object): Promise<string> {
  const body = new FormData();
  body.set('file', new Blob([csv]), `${name}.csv`);
  body.set(
    'spec',
    JSON.stringify({ name, task: 'regression', textColumn: 'text', labelColumn: 'score', ...spec }),
  );
  const response = await createDataset(new Request('http://test/api/datasets', { method: 'POST', body }));
  expect(response.status).toBe(201);
  const { id } = (await response.json()) as { id: string };
  await untilSettled(id);
  return id;
}

/** Waits for the worker's profile job (no time limit of our own: vitest's test timeout applies). */
async function untilSettled(id: string) {
  let dataset = await prisma.dataset.findUniqueOrThrow({ where: { id } });
  while (dataset.status !== 'ready' && dataset.status !== 'failed') {
    await new Promise((resolve) => setTimeout(resolve, 25));
    dataset = await prisma.dataset.findUniqueOrThrow({ where: { id } });
  }
  return dataset;
}

const csv = (labels: number[], prefix: string) =>
  `text,score\n${labels.map((label, i) => `${prefix} text ${i},${label}`).join('\n')}\n`;
/** n rows of each label in `labels`. */
const each = (labels: number[], n: number) =>
  labels.flatMap((label) => Array.from({ length: n }, () => label));

async function counts() {
  return { datasets: await prisma.dataset.count(), rows: await prisma.datasetRow.count() };
}

let env: TWebTestEnv;
let prisma: TWebTestEnv['prisma'];

beforeAll(async () => {
  env = await createWebTestEnv('compose', { computeProcessorFile: null });
  ({ prisma } = env);
  ids.real = await upload('real', csv(each([0, 1, 2, 3, 4, 5, 6], 10), 'real'), { labelMin: 0, labelMax: 6 });
  ids.synthetic = await upload('synthetic', csv(each([1, 2, 3, 4, 5], 10), 'synthetic'), {
    labelMin: 0,
    labelMax: 6,
    origin: 'synthetic',
  });
  ids.probability = await upload('probability', csv([0, 0.5, 1, 0.25], 'p'), {});
}, 120_000);

afterAll(() => destroyWebTestEnv(env));

describe('compose', () => {
  it('mixes 70 % real and 30 % synthetic, stratified, with lineage, then profiles it', async () => {
    const response = await compose(
      postJson('http://test/api/datasets/compose', {
        name: 'mix 70/30',
        sources: [
          { datasetId: ids.real, ratio: 70 },
          { datasetId: ids.synthetic, ratio: 30 },
        ],
        size: 60,
        seed: 3,
      }),
    );
    expect(response.status).toBe(201);
    const { id, rowCount } = (await response.json()) as { id: string; rowCount: number };
    expect(rowCount).toBe(60);
    const dataset = await untilSettled(id);
    expect(dataset.status).toBe('ready');
    expect(dataset.origin).toBe('mixed');
    expect([dataset.labelMin, dataset.labelMax]).toEqual([0, 6]);
    expect(dataset.parents).toEqual({
      seed: 3,
      requestedSize: 60,
      sources: [
        {
          datasetId: ids.real,
          name: 'real',
          ratio: 0.7,
          rows: 42,
          available: 70,
          bySource: { real: 42, synthetic: 0 },
        },
        {
          datasetId: ids.synthetic,
          name: 'synthetic',
          ratio: 0.3,
          rows: 18,
          available: 50,
          bySource: { real: 0, synthetic: 18 },
        },
      ],
    });
    expect((dataset.stats as { sources: unknown }).sources).toEqual({ real: 42, synthetic: 18 });
    const rows = await prisma.datasetRow.findMany({ where: { datasetId: id }, orderBy: { index: 'asc' } });
    const labelsOf = (source: string) =>
      rows
        .filter((row) => row.source === source)
        .reduce<Record<number, number>>((acc, row) => {
          acc[row.label] = (acc[row.label] ?? 0) + 1;
          return acc;
        }, {});
    // 42 of 70 real rows with 10 per label → 6 per label; 18 of 50 synthetic with 10 per label → 3.6 → 4,4,4,3,3.
    expect(labelsOf('real')).toEqual({ 0: 6, 1: 6, 2: 6, 3: 6, 4: 6, 5: 6, 6: 6 });
    expect(labelsOf('synthetic')).toEqual({ 1: 4, 2: 4, 3: 4, 4: 3, 5: 3 });
    expect(rows.slice(0, 42).every((row) => row.text.startsWith('real '))).toBe(true);
    expect(rows.slice(42).every((row) => row.text.startsWith('synthetic '))).toBe(true);
  });

  it('"as large as possible" takes every row of the scarcest source', async () => {
    const response = await compose(
      postJson('http://test/api/datasets/compose', {
        name: 'max',
        sources: [
          { datasetId: ids.real, ratio: 0.5 },
          { datasetId: ids.synthetic, ratio: 0.5 },
        ],
      }),
    );
    expect(response.status).toBe(201);
    expect(((await response.json()) as { rowCount: number }).rowCount).toBe(100);
  });

  it('refusals answer with the reason and leave the database unchanged', async () => {
    const before = await counts();
    const scales = await compose(
      postJson('http://test/api/datasets/compose', {
        name: 'bad',
        sources: [
          { datasetId: ids.real, ratio: 1 },
          { datasetId: ids.probability, ratio: 1 },
        ],
      }),
    );
    expect(scales.status).toBe(400);
    expect(((await scales.json()) as { error: string }).error).toBe(
      'Cannot compose real (labels 0 – 6) with probability (labels 0 – 1): the label ranges are on different scales',
    );
    const tooBig = await compose(
      postJson('http://test/api/datasets/compose', {
        name: 'too big',
        sources: [
          { datasetId: ids.real, ratio: 1 },
          { datasetId: ids.synthetic, ratio: 1 },
        ],
        size: 500,
      }),
    );
    expect(tooBig.status).toBe(400);
    expect(((await tooBig.json()) as { error: string }).error).toMatch(
      /real has 70 rows but 50% of 500 needs 250/,
    );
    const unknown = await compose(
      postJson('http://test/api/datasets/compose', {
        name: 'ghost',
        sources: [
          { datasetId: ids.real, ratio: 1 },
          { datasetId: 'nope', ratio: 1 },
        ],
      }),
    );
    expect(unknown.status).toBe(404);
    const single = await compose(
      postJson('http://test/api/datasets/compose', {
        name: 'one',
        sources: [{ datasetId: ids.real, ratio: 1 }],
      }),
    );
    expect(single.status).toBe(400);
    expect(await counts()).toEqual(before);
  });
});

describe('folds', () => {
  const url = () => `http://test/api/datasets/${ids.real}/folds`;
  const context = () => ({ params: Promise.resolve({ id: ids.real as string }) });

  it('assigns seeded stratified folds to train/eval rows and keeps test rows out', async () => {
    const response = await assignFolds(postJson(url(), { k: 5, seed: 9 }), context());
    expect(response.status).toBe(200);
    const assignment = (await response.json()) as { k: number; sizes: number[] };
    const rows = await prisma.datasetRow.findMany({
      where: { datasetId: ids.real },
      orderBy: { index: 'asc' },
    });
    const heldOut = rows.filter((row) => row.split === 'test');
    expect(heldOut.length).toBeGreaterThan(0);
    expect(heldOut.every((row) => row.fold === null)).toBe(true);
    expect(assignment.sizes.reduce((a, b) => a + b, 0)).toBe(rows.length - heldOut.length);
    expect(Math.max(...assignment.sizes) - Math.min(...assignment.sizes)).toBeLessThanOrEqual(1);
    const stored = await prisma.dataset.findUniqueOrThrow({ where: { id: ids.real } });
    expect(stored.folds).toEqual({ k: 5, seed: 9, sizes: assignment.sizes });

    await assignFolds(postJson(url(), { k: 5, seed: 9 }), context());
    const again = await prisma.datasetRow.findMany({
      where: { datasetId: ids.real },
      orderBy: { index: 'asc' },
    });
    expect(again.map((row) => row.fold)).toEqual(rows.map((row) => row.fold));
  });

  it('refuses k outside 2–10 and can clear the folds', async () => {
    const bad = await assignFolds(postJson(url(), { k: 11 }), context());
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('k: k must be at most 10');
    const cleared = await clearFolds(new Request(url(), { method: 'DELETE' }), context());
    expect(cleared.status).toBe(204);
    expect(await prisma.datasetRow.count({ where: { datasetId: ids.real, fold: { not: null } } })).toBe(0);
    expect((await prisma.dataset.findUniqueOrThrow({ where: { id: ids.real } })).folds).toBeNull();
  });
});
