import { readDataset, ZDatasetSpec } from '@tunelab/core/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from './client.ts';
import { datasetItems, loadDatasetRows } from './dataset-rows.ts';
import { createDataset } from './datasets.ts';
import { createTestDatabase, type TTestDatabase } from './testing.ts';

let db: TTestDatabase;
let prisma: PrismaClient;
beforeAll(async () => {
  db = await createTestDatabase('db_multi_item');
  prisma = createPrismaClient(db.databaseUrl);
}, 60_000);
afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

const enc = (s: string) => [new TextEncoder().encode(s)];

describe('multi-item datasets', () => {
  it('wide: a label column per item, empty cells stored as null (masked), per-item ranges', async () => {
    const spec = ZDatasetSpec.parse({
      name: 'wide',
      task: 'regression',
      textColumn: 'text',
      labelColumn: 'sad',
      labelColumns: ['sad', 'sleep'],
      itemRanges: { sad: [0, 6], sleep: [0, 3] },
      splitColumn: 'split',
    });
    const data = await readDataset(enc('text,sad,sleep,split\na,1,,train\nb,5,2,eval\n'), 'w.csv', spec);
    expect(data.shape).toBe('wide');
    const { id } = await createDataset(spec, data, {}, prisma);
    const rows = await loadDatasetRows(id, {}, prisma);
    expect(rows.map((r) => r.labels)).toEqual([
      [1, null],
      [5, 2],
    ]);
    const stored = await prisma.dataset.findUniqueOrThrow({ where: { id } });
    expect(stored.shape).toBe('wide');
    expect(datasetItems(stored)).toEqual([
      { name: 'sad', labelMin: 0, labelMax: 6 },
      { name: 'sleep', labelMin: 0, labelMax: 3 },
    ]);
  });

  it('long: an item column names each row’s item; item names sorted, out-of-range scores refused per item', async () => {
    const spec = ZDatasetSpec.parse({
      name: 'long',
      task: 'regression',
      textColumn: 'text',
      labelColumn: 'score',
      itemColumn: 'item',
      splitColumn: 'split',
    });
    const data = await readDataset(
      enc('text,item,score,split\na,sleep,2,train\nb,sad,4,train\nc,sleep,1,eval\n'),
      'l.csv',
      spec,
    );
    const { id } = await createDataset(spec, data, {}, prisma);
    const rows = await loadDatasetRows(id, {}, prisma);
    expect(rows.map((r) => [r.item, r.label])).toEqual([
      [1, 2],
      [0, 4],
      [1, 1],
    ]);
    expect(
      datasetItems(await prisma.dataset.findUniqueOrThrow({ where: { id } }))?.map((i) => i.name),
    ).toEqual(['sad', 'sleep']);
    await expect(
      readDataset(enc('text,item,score,split\na,sleep,5,train\nb,sad,4,train\n'), 'bad.csv', {
        ...spec,
        itemRanges: { sleep: [0, 3] },
      }),
    ).rejects.toThrow(/out of range/);
  });
});
