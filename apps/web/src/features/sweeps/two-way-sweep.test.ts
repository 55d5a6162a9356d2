// A two-way sweep (data size × synthetic share) launched over the HTTP API on a composed real +
// synthetic dataset, against real Postgres and Redis: the worker's sweep.launch creates one run per
// (fraction, share, seed), each named by what differs, and a dataset without synthetic rows is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWebTestEnv,
  destroyWebTestEnv,
  postJson,
  type TWebTestEnv,
  until,
} from '../../../test/web-test-env.ts';
import { POST as compose } from '../datasets/api/compose-route.ts';
import { POST as createDataset } from '../datasets/api/datasets-route.ts';
import { POST as createSweep } from './api/sweep-routes.ts';

let env: TWebTestEnv;
let prisma: TWebTestEnv['prisma'];
const ids: Record<string, string> = {};

async function upload(name: string, origin: 'real' | 'synthetic'): Promise<string> {
  const rows = Array.from({ length: 60 }, (_, i) => `${name} text ${i},${i % 7}`);
  const body = new FormData();
  body.set('file', new Blob([`text,score\n${rows.join('\n')}\n`]), `${name}.csv`);
  body.set(
    'spec',
    JSON.stringify({
      name,
      task: 'regression',
      textColumn: 'text',
      labelColumn: 'score',
      labelMin: 0,
      labelMax: 6,
      origin,
    }),
  );
  const response = await createDataset(new Request('http://test/api/datasets', { method: 'POST', body }));
  expect(response.status).toBe(201);
  const { id } = (await response.json()) as { id: string };
  await until(
    () => prisma.dataset.findUniqueOrThrow({ where: { id } }),
    (d) => d.status === 'ready' || d.status === 'failed',
  );
  return id;
}

beforeAll(async () => {
  env = await createWebTestEnv('twoway', { computeProcessorFile: null });
  ({ prisma } = env);
  ids.real = await upload('real', 'real');
  ids.synthetic = await upload('synthetic', 'synthetic');
  const composed = await compose(
    postJson('http://test/api/datasets/compose', {
      name: 'real + synthetic',
      sources: [
        { datasetId: ids.real, ratio: 50 },
        { datasetId: ids.synthetic, ratio: 50 },
      ],
      seed: 1,
    }),
  );
  expect(composed.status).toBe(201);
  ids.mixed = ((await composed.json()) as { id: string }).id;
  await until(
    () => prisma.dataset.findUniqueOrThrow({ where: { id: ids.mixed as string } }),
    (d) => d.status === 'ready',
  );
  ids.model = (
    await prisma.model.create({
      data: { name: 'tiny', kind: 'base', config: {}, tokenizer: {}, artifactPath: 'models/tiny' },
    })
  ).id;
}, 120_000);

afterAll(() => destroyWebTestEnv(env));

describe('two-way sweep', () => {
  it('launches fraction × synthetic share × seed runs named by what differs', async () => {
    const response = await createSweep(
      postJson('http://test/api/sweeps', {
        modelId: ids.model,
        datasetId: ids.mixed,
        fractions: [0.5, 1],
        shares: [0.5, 0, 0.25],
        seeds: [0, 1],
        recipe: { epochs: 1 },
      }),
    );
    expect(response.status).toBe(201);
    const { sweepId } = (await response.json()) as { sweepId: string };
    const sweep = await prisma.sweep.findUniqueOrThrow({ where: { id: sweepId } });
    expect(sweep.shares).toEqual([0, 0.25, 0.5]);
    expect(sweep.name).toBe('real + synthetic scaling (2×3×2)');
    const runs = await until(
      () => prisma.run.findMany({ where: { sweepId }, orderBy: { createdAt: 'asc' } }),
      (r) => r.length === 12,
    );
    const cells = runs.map((r) => `${r.fraction}/${r.share}/${r.seed}`).sort();
    expect(new Set(cells).size).toBe(12);
    const half = runs.find((r) => r.fraction === 0.5 && r.share === 0.25 && r.seed === 1);
    expect(half?.params).toMatchObject({
      trainFraction: 0.5,
      seed: 1,
      mix: { share: 0.25, shares: [0, 0.25, 0.5] },
    });
    const { fineTuneName } = await import('@tunelab/core/dashboard');
    expect(fineTuneName('tiny', 'mix', half?.params as object)).toBe(
      'tiny → mix · 50% · 25% synthetic · epochs 1 · seed 1',
    );

    // a child that fails is named by its fraction, share and seed when the sweep settles
    const { finishRun } = await import('@tunelab/db');
    for (const r of runs) await finishRun(r.id, r === half ? 'failed' : 'succeeded', { error: 'boom' });
    const settled = await prisma.sweep.findUniqueOrThrow({ where: { id: sweepId } });
    expect(settled.status).toBe('failed');
    expect(settled.error).toContain(`run ${half?.id} (fraction 0.5, share 25 %, seed 1): boom`);
  }, 60_000);

  it('runs k-fold CV at each cell: its runs are crossval parents that queue their folds', async () => {
    const response = await createSweep(
      postJson('http://test/api/sweeps', {
        modelId: ids.model,
        datasetId: ids.mixed,
        fractions: [0.5, 1],
        seeds: [0],
        folds: 3,
        recipe: { epochs: 1 },
      }),
    );
    expect(response.status).toBe(201);
    const { sweepId } = (await response.json()) as { sweepId: string };
    const parents = await until(
      () => prisma.run.findMany({ where: { sweepId } }),
      (r) => r.length === 2,
    );
    expect(parents.every((p) => p.kind === 'crossval')).toBe(true);
    expect(parents[0]?.params).toMatchObject({ cv: { k: 3, seed: 0, grouped: false } });
    const folds = await until(
      () => prisma.run.findMany({ where: { parentRunId: { in: parents.map((p) => p.id) } } }),
      (r) => r.length === 6,
    );
    expect(folds.every((f) => f.sweepId === null && f.kind === 'train')).toBe(true);
    // cancelling the sweep cancels the parents and, through them, every fold
    const { cancelSweep } = await import('@tunelab/jobs');
    expect(await cancelSweep(sweepId)).toEqual({ status: 'cancelled' });
    const after = await prisma.run.findMany({ where: { parentRunId: { in: parents.map((p) => p.id) } } });
    expect(after.map((f) => f.status)).toEqual(Array(6).fill('cancelled'));
  }, 60_000);

  it('refuses synthetic shares on a dataset without synthetic rows, naming it, and creates nothing', async () => {
    const before = await prisma.sweep.count();
    const response = await createSweep(
      postJson('http://test/api/sweeps', {
        modelId: ids.model,
        datasetId: ids.real,
        fractions: [0.5, 1],
        shares: [0, 0.5],
        seeds: [0],
        recipe: {},
      }),
    );
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: string }).error).toMatch(/real has none: compose it/);
    expect(await prisma.sweep.count()).toBe(before);
  });
});
