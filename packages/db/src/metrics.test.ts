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

describe('MetricSeries (the series catalogue the Metric triggers keep)', () => {
  /** The catalogue as a plain sorted list, and the same facts counted from the points. */
  async function catalogueAndTruth(runId: string) {
    const catalogue = await prisma.metricSeries.findMany({
      where: { runId },
      orderBy: [{ name: 'asc' }, { split: 'asc' }],
      select: { name: true, split: true, points: true, firstStep: true, lastStep: true },
    });
    const truth = await prisma.$queryRaw<
      { name: string; split: string; points: number; firstStep: number; lastStep: number }[]
    >`SELECT name, split, count(*)::int AS points, min(step) AS "firstStep", max(step) AS "lastStep"
      FROM "Metric" WHERE "runId" = ${runId} GROUP BY name, split ORDER BY name, split`;
    return { catalogue, truth };
  }

  it('counts each series’ points and bounds exactly, replays and concurrent writers included', async () => {
    const run = await prisma.run.create({ data: { kind: 'train' } });
    const loss = (steps: number[], value = 1) =>
      steps.map((step) => ({ name: 'loss', split: 'train', step, value }));
    await writeMetrics(run.id, loss([5, 6, 7]), prisma);
    // a replay (retried job) adds only the new step; an earlier step written late moves firstStep
    await writeMetrics(run.id, loss([6, 7, 8], 9), prisma);
    await writeMetrics(run.id, loss([2]), prisma);
    // concurrent writers to the same series and to other series of the run
    await Promise.all(
      Array.from({ length: 8 }, (_, w) =>
        writeMetrics(
          run.id,
          [
            ...loss(Array.from({ length: 50 }, (_, i) => 100 + w * 50 + i)),
            { name: 'mae', split: 'eval', step: 100 + w, value: w },
          ],
          prisma,
        ),
      ),
    );
    // bulk SQL bypassing writeMetrics (benchmarks do this) is counted too
    await prisma.$executeRaw`
      INSERT INTO "Metric" (id, "runId", name, split, step, value)
      SELECT ${run.id} || '-lr-' || g, ${run.id}, 'lr', 'train', g, 0.1 FROM generate_series(1, 1000) g`;
    const { catalogue, truth } = await catalogueAndTruth(run.id);
    expect(catalogue).toEqual(truth);
    expect(catalogue.find((s) => s.name === 'loss')).toEqual({
      name: 'loss',
      split: 'train',
      points: 5 + 400,
      firstStep: 2,
      lastStep: 499,
    });
    expect(catalogue.map((s) => `${s.split}/${s.name}`)).toEqual(['train/loss', 'train/lr', 'eval/mae']);
  });

  it('follows deleted and re-keyed points, and goes with its run', async () => {
    const run = await prisma.run.create({ data: { kind: 'train' } });
    await writeMetrics(
      run.id,
      [1, 2, 3, 4].flatMap((step) => [
        { name: 'loss', split: 'train', step, value: step },
        { name: 'mae', split: 'eval', step, value: step },
      ]),
      prisma,
    );
    await prisma.metric.deleteMany({ where: { runId: run.id, name: 'loss', step: { gte: 3 } } });
    await prisma.metric.deleteMany({ where: { runId: run.id, name: 'mae' } });
    await prisma.metric.updateMany({ where: { runId: run.id, name: 'loss', step: 1 }, data: { step: 10 } });
    const { catalogue, truth } = await catalogueAndTruth(run.id);
    expect(catalogue).toEqual(truth);
    expect(catalogue).toEqual([{ name: 'loss', split: 'train', points: 2, firstStep: 2, lastStep: 10 }]);
    await prisma.run.delete({ where: { id: run.id } });
    expect(await prisma.metricSeries.count({ where: { runId: run.id } })).toBe(0);
  });
});
