import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaClient, type PrismaClient } from './client.ts';
import { writeMetrics } from './metrics.ts';
import { createTestDatabase, type TTestDatabase } from './testing.ts';

let db: TTestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase('db_metrics');
  prisma = createPrismaClient(db.databaseUrl);
}, 60_000);

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

describe('writeMetrics', () => {
  it('stores points once even when a retried job writes them again', async () => {
    const run = await prisma.run.create({ data: { kind: 'train' } });
    const points = [0, 1, 2].map((step) => ({ name: 'loss', split: 'train', step, value: 1 / (step + 1) }));
    expect(await writeMetrics(run.id, points, prisma)).toBe(3);
    // The retry replays steps 1-2 and continues with step 3.
    const replay = [1, 2, 3].map((step) => ({ name: 'loss', split: 'train', step, value: 9 }));
    expect(await writeMetrics(run.id, replay, prisma)).toBe(1);
    const stored = await prisma.metric.findMany({ where: { runId: run.id }, orderBy: { step: 'asc' } });
    expect(stored.map((m) => m.step)).toEqual([0, 1, 2, 3]);
    expect(stored[1]?.value).toBeCloseTo(0.5);
  });

  it('rejects a non-finite value and names the point', async () => {
    const run = await prisma.run.create({ data: { kind: 'train' } });
    await expect(
      writeMetrics(run.id, [{ name: 'loss', split: 'eval', step: 0, value: Number.NaN }], prisma),
    ).rejects.toThrow(/point 0/);
    expect(await prisma.metric.count({ where: { runId: run.id } })).toBe(0);
  });
});
