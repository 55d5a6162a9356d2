// The scarcity histogram and floor plan of multi-item datasets against real Postgres: a long row
// counts for its item, a wide row for each item it labels; every item gets its own plan and range.
import { createTestDatabase, type TTestDatabase } from '@tunelab/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: TTestDatabase;
let prisma: typeof import('@tunelab/db').prisma;
let lib: typeof import('./histogram.ts');

beforeAll(async () => {
  db = await createTestDatabase('web_synth_histogram');
  process.env.DATABASE_URL = db.databaseUrl;
  ({ prisma } = await import('@tunelab/db'));
  lib = await import('./histogram.ts');
});

afterAll(async () => {
  const { disconnectPrisma } = await import('@tunelab/db');
  await disconnectPrisma();
  await db?.drop();
});

const items = [
  { name: 'sleep', labelMin: 0, labelMax: 2 },
  { name: 'mood', labelMin: 0, labelMax: 1 },
];

describe('datasetHistogram / planForFloor', () => {
  it('long shape: rows per item, label and source; accepted texts count for their item', async () => {
    const dataset = await prisma.dataset.create({
      data: {
        name: 'long',
        task: 'regression',
        textColumn: 'text',
        labelColumn: 'score',
        shape: 'long',
        itemColumn: 'item',
        items,
        rows: {
          create: [
            { index: 0, text: 'a', label: 0, split: 'train', item: 0 },
            { index: 1, text: 'b', label: 0, split: 'train', item: 0 },
            { index: 2, text: 'c', label: 1, split: 'train', item: 1, source: 'synthetic' },
            { index: 3, text: 'd', label: 0, split: 'train', item: 1 },
          ],
        },
      },
    });
    await prisma.synthText.create({
      data: { datasetId: dataset.id, item: 'sleep', target: 2, text: 'x', status: 'accepted' },
    });
    const histogram = await lib.datasetHistogram(dataset.id);
    expect(histogram).toEqual([
      { item: 'mood', label: 0, real: 1, synthetic: 0 },
      { item: 'mood', label: 1, real: 0, synthetic: 1 },
      { item: 'sleep', label: 0, real: 2, synthetic: 0 },
      { item: 'sleep', label: 2, real: 0, synthetic: 1 },
    ]);
    // sleep 0..2, mood 0..1 (its own range), floor 2
    expect(lib.planForFloor(histogram, 2, dataset)).toEqual([
      { item: 'sleep', score: 1, count: 2 },
      { item: 'sleep', score: 2, count: 1 },
      { item: 'mood', score: 0, count: 1 },
      { item: 'mood', score: 1, count: 1 },
    ]);
  });

  it('wide shape: a row counts for every item it labels; an item without rows still gets a plan', async () => {
    const dataset = await prisma.dataset.create({
      data: {
        name: 'wide',
        task: 'regression',
        textColumn: 'text',
        labelColumn: 'sleep',
        shape: 'wide',
        labelColumns: ['sleep', 'mood'],
        items,
        rows: {
          create: [
            { index: 0, text: 'a', label: 1, split: 'train', labels: [1, null] },
            { index: 1, text: 'b', label: 2, split: 'train', labels: [2, null], source: 'synthetic' },
          ],
        },
      },
    });
    const histogram = await lib.datasetHistogram(dataset.id);
    expect(histogram).toEqual([
      { item: 'sleep', label: 1, real: 1, synthetic: 0 },
      { item: 'sleep', label: 2, real: 0, synthetic: 1 },
    ]);
    expect(lib.planForFloor(histogram, 1, dataset)).toEqual([
      { item: 'sleep', score: 0, count: 1 },
      { item: 'mood', score: 0, count: 1 },
      { item: 'mood', score: 1, count: 1 },
    ]);
  });
});
