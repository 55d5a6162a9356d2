import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from './client.ts';
import { datasetLabelSpace, loadDatasetRows } from './dataset-rows.ts';
import { createTestDatabase, type TTestDatabase } from './testing.ts';

let db: TTestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase('db_dataset_rows');
  prisma = createPrismaClient(db.databaseUrl);
}, 60_000);

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

async function dataset(task: 'regression' | 'classification', extra: object = {}) {
  const d = await prisma.dataset.create({
    data: { name: `d-${task}`, task, textColumn: 't', labelColumn: 'y', tolerance: 2, ...extra },
  });
  const splits = ['train', 'eval', 'test', 'train', 'eval'] as const;
  await prisma.datasetRow.createMany({
    data: [4, 0, 6, 1, 3].map((label, index) => ({
      datasetId: d.id,
      index,
      text: `row ${index}`,
      label,
      split: splits[index] as (typeof splits)[number],
      source: index % 2 ? ('synthetic' as const) : ('real' as const),
      fold: index === 2 ? null : index % 2,
    })),
  });
  return d;
}

describe('loadDatasetRows', () => {
  it('loads rows in file order, filtered by split and fold', async () => {
    const d = await dataset('regression');
    const all = await loadDatasetRows(d.id, {}, prisma);
    expect(all.map((r) => r.index)).toEqual([0, 1, 2, 3, 4]);
    expect(all[1]).toEqual({
      id: expect.any(String),
      originRowId: null,
      index: 1,
      text: 'row 1',
      label: 0,
      split: 'eval',
      source: 'synthetic',
      fold: 1,
      group: null,
    });
    expect((await loadDatasetRows(d.id, { splits: ['eval'] }, prisma)).map((r) => r.index)).toEqual([1, 4]);
    expect((await loadDatasetRows(d.id, { fold: 0 }, prisma)).map((r) => r.index)).toEqual([0, 4]);
    expect(
      (await loadDatasetRows(d.id, { splits: ['train', 'eval'], fold: 1 }, prisma)).map((r) => r.index),
    ).toEqual([1, 3]);
  });
});

describe('datasetLabelSpace', () => {
  it('regression: the stored range, else the range of all rows (not of one split)', async () => {
    const stored = await dataset('regression', { labelMin: 0, labelMax: 10 });
    expect(await datasetLabelSpace(stored, prisma)).toEqual({
      task: 'regression',
      labelRange: [0, 10],
      tolerance: 2,
    });
    const derived = await dataset('regression');
    // eval rows span 0..3, all rows 0..6
    expect(await datasetLabelSpace(derived, prisma)).toEqual({
      task: 'regression',
      labelRange: [0, 6],
      tolerance: 2,
    });
  });
  it('classification: the number of classes', async () => {
    const d = await dataset('classification', { classes: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] });
    expect(await datasetLabelSpace(d, prisma)).toEqual({ task: 'classification', numClasses: 8 });
  });
});
