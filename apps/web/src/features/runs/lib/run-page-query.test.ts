// The run page's one-statement read against real Postgres: the row as the client's own query
// returns it, plus dataset, models, sweep, latest evaluation, parent and folds.
import { createTestDatabase, type TTestDatabase } from '@tunelab/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: TTestDatabase;
let prisma: typeof import('@tunelab/db').prisma;
let findRunPageRow: typeof import('./run-page-query.ts').findRunPageRow;

beforeAll(async () => {
  db = await createTestDatabase('web_run_page_query');
  process.env.DATABASE_URL = db.databaseUrl;
  ({ prisma } = await import('@tunelab/db'));
  ({ findRunPageRow } = await import('./run-page-query.ts'));
}, 120_000);

afterAll(async () => {
  const { disconnectPrisma } = await import('@tunelab/db');
  await disconnectPrisma();
  await db?.drop();
});

describe('findRunPageRow', () => {
  it('reads the run and everything its page shows in one statement', async () => {
    const dataset = await prisma.dataset.create({
      data: {
        name: 'moods',
        task: 'classification',
        textColumn: 't',
        labelColumn: 'l',
        classes: ['sad', 'glad'],
        tolerance: 0,
      },
    });
    const base = await prisma.model.create({
      data: { name: 'tiny', kind: 'base', config: {}, artifactPath: 'models/tiny' },
    });
    const sweep = await prisma.sweep.create({
      data: {
        name: 'fractions',
        datasetId: dataset.id,
        baseModelId: base.id,
        recipe: {},
        fractions: [0.5],
        seeds: [7],
      },
    });
    const parent = await prisma.run.create({ data: { kind: 'crossval', name: 'cv parent' } });
    const run = await prisma.run.create({
      data: {
        kind: 'train',
        name: 'fold 0',
        status: 'succeeded',
        params: { epochs: 2, fold: 0 },
        summary: { metrics: { accuracy: 0.75 } },
        tags: ['a', 'b'],
        datasetId: dataset.id,
        modelId: base.id,
        sweepId: sweep.id,
        parentRunId: parent.id,
        fraction: 0.5,
        seed: 7,
        startedAt: new Date('2026-12-02T01:00:00.000Z'),
        finishedAt: new Date('2026-12-02T01:05:00.250Z'),
      },
    });
    const result = await prisma.model.create({
      data: {
        name: 'tiny-ft',
        kind: 'finetuned',
        config: {},
        artifactPath: 'models/ft',
        parentRunId: run.id,
      },
    });
    for (const [split, at] of [
      ['eval', '2026-12-02T01:04:00Z'],
      ['test', '2026-12-02T01:05:00Z'],
    ] as const)
      await prisma.evaluation.create({
        data: {
          modelId: result.id,
          datasetId: dataset.id,
          runId: run.id,
          split,
          metrics: {},
          predictions: [{ index: 0, label: 1, prediction: 1 }],
          createdAt: new Date(at),
        },
      });
    const row = await findRunPageRow(run.id);
    const own = await prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(row).toMatchObject(own);
    expect(row?.finishedAt?.toISOString()).toBe('2026-12-02T01:05:00.250Z');
    expect(row?.dataset).toEqual({
      id: dataset.id,
      name: 'moods',
      task: 'classification',
      tolerance: 0,
      classes: ['sad', 'glad'],
      items: null,
    });
    expect(row?.model).toEqual({ id: base.id, name: 'tiny', kind: 'base' });
    expect(row?.resultModel).toEqual({ id: result.id, name: 'tiny-ft' });
    expect(row?.sweep).toEqual({ id: sweep.id, name: 'fractions' });
    expect(row?.evaluations).toEqual([
      { split: 'test', predictions: [{ index: 0, label: 1, prediction: 1 }] },
    ]);
    expect(row?.parentRun).toEqual({ id: parent.id, name: 'cv parent' });
    expect(row?.childRuns).toEqual([]);
    const parentRow = await findRunPageRow(parent.id);
    expect(parentRow?.childRuns).toEqual([
      {
        id: run.id,
        status: 'succeeded',
        params: { epochs: 2, fold: 0 },
        summary: { metrics: { accuracy: 0.75 } },
        error: null,
      },
    ]);
    expect(parentRow).toMatchObject({
      dataset: null,
      model: null,
      resultModel: null,
      sweep: null,
      evaluations: [],
    });
    expect(await findRunPageRow('nope')).toBeUndefined();
  });
});
