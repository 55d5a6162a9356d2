// k-fold CV launched over the HTTP API against real Postgres and Redis: one parent run whose worker
// job queues k fold runs; a grouped CV on a dataset without a document column is refused; cancelling
// the parent over the API cancels every fold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWebTestEnv,
  destroyWebTestEnv,
  postJson,
  type TWebTestEnv,
  until,
} from '../../../test/web-test-env.ts';
import { POST_CANCEL } from './api/run-action-routes.ts';
import { POST as launch } from './api/runs-route.ts';

let env: TWebTestEnv;
let prisma: TWebTestEnv['prisma'];
const ids: Record<string, string> = {};

beforeAll(async () => {
  env = await createWebTestEnv('cv', { computeProcessorFile: null });
  ({ prisma } = env);
  const dataset = await prisma.dataset.create({
    data: {
      name: 'interviews',
      task: 'regression',
      labelMin: 0,
      labelMax: 6,
      textColumn: 'text',
      labelColumn: 'score',
      rowCount: 30,
      status: 'ready',
      rows: {
        create: Array.from({ length: 30 }, (_, i) => ({
          index: i,
          text: `segment ${i}`,
          label: i % 7,
          split: 'train' as const,
        })),
      },
    },
  });
  ids.dataset = dataset.id;
  ids.model = (
    await prisma.model.create({
      data: { name: 'tiny', kind: 'base', config: {}, tokenizer: {}, artifactPath: 'models/t' },
    })
  ).id;
}, 120_000);

afterAll(() => destroyWebTestEnv(env));

describe('POST /api/runs with params.cv', () => {
  it('creates one crossval parent whose job queues k folds; cancel cascades', async () => {
    const response = await launch(
      postJson('http://test/api/runs', {
        modelId: ids.model,
        datasetId: ids.dataset,
        params: { epochs: 1, cv: { k: 5, seed: 3 } },
      }),
    );
    expect(response.status).toBe(201);
    const { runIds } = (await response.json()) as { runIds: string[] };
    expect(runIds).toHaveLength(1);
    const parentId = runIds[0] as string;
    expect((await prisma.run.findUniqueOrThrow({ where: { id: parentId } })).kind).toBe('crossval');
    const folds = await until(
      () => prisma.run.findMany({ where: { parentRunId: parentId } }),
      (r) => r.length === 5,
    );
    expect(folds.map((f) => (f.params as { fold: number }).fold).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(folds.every((f) => (f.params as { cv: { k: number } }).cv.k === 5 && f.kind === 'train')).toBe(
      true,
    );
    expect((await prisma.run.findUniqueOrThrow({ where: { id: parentId } })).status).toBe('running');

    const cancelled = await POST_CANCEL(
      new Request(`http://test/api/runs/${parentId}/cancel`, { method: 'POST' }),
      {
        params: Promise.resolve({ id: parentId }),
      },
    );
    expect(cancelled.status).toBe(200);
    expect((await prisma.run.findMany({ where: { parentRunId: parentId } })).map((f) => f.status)).toEqual(
      Array(5).fill('cancelled'),
    );
    expect((await prisma.run.findUniqueOrThrow({ where: { id: parentId } })).status).toBe('cancelled');
  }, 60_000);

  it('refuses a grouped CV on a dataset without a document column, and CV with a fixed fold', async () => {
    const before = await prisma.run.count();
    const grouped = await launch(
      postJson('http://test/api/runs', {
        modelId: ids.model,
        datasetId: ids.dataset,
        params: { cv: { k: 3, seed: 0, grouped: true }, fold: 1 },
      }),
    );
    expect(grouped.status).toBe(422);
    const { error } = (await grouped.json()) as { error: string };
    expect(error).toMatch(/"interviews" has no document column/);
    expect(error).toMatch(/leave the fold empty/);
    expect(await prisma.run.count()).toBe(before);
  });
});
