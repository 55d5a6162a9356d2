// The run page's live snapshot against real Postgres: counts from the MetricSeries catalogue, log
// lines in order with their stored UTC times, and only newer lines after a given time.
import { createTestDatabase, type TTestDatabase } from '@tunelab/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: TTestDatabase;
let prisma: typeof import('@tunelab/db').prisma;
let writeMetrics: typeof import('@tunelab/db').writeMetrics;
let runSnapshot: typeof import('./run-snapshot.ts').runSnapshot;

beforeAll(async () => {
  db = await createTestDatabase('web_run_snapshot');
  process.env.DATABASE_URL = db.databaseUrl;
  ({ prisma, writeMetrics } = await import('@tunelab/db'));
  ({ runSnapshot } = await import('./run-snapshot.ts'));
}, 120_000);

afterAll(async () => {
  const { disconnectPrisma } = await import('@tunelab/db');
  await disconnectPrisma();
  await db?.drop();
});

describe('runSnapshot', () => {
  it('reports status, point count, last step and log lines as stored', async () => {
    const startedAt = new Date('2026-12-02T01:02:03.456Z');
    const run = await prisma.run.create({
      data: { kind: 'train', status: 'running', progress: 0.25, etaSeconds: 12, workerId: 'w1', startedAt },
    });
    await writeMetrics(
      run.id,
      [1, 2, 3, 4, 5].flatMap((step) => [
        { name: 'loss', split: 'train', step, value: 1 / step },
        ...(step % 5 === 0 ? [{ name: 'mae', split: 'eval', step, value: 0.5 }] : []),
      ]),
    );
    const times = ['2026-12-02T01:02:04.001Z', '2026-12-02T01:02:05.002Z', '2026-12-02T01:02:06.003Z'];
    for (const [i, ts] of times.entries())
      await prisma.runLog.create({
        data: { runId: run.id, ts: new Date(ts), level: i === 2 ? 'warn' : 'info', message: `line ${i}` },
      });
    const snap = await runSnapshot(run.id);
    expect(snap).toMatchObject({
      id: run.id,
      status: 'running',
      progress: 0.25,
      etaSeconds: 12,
      workerId: 'w1',
      cancelRequested: false,
      queuePosition: null,
      startedAt: startedAt.toISOString(),
      finishedAt: null,
      metricPoints: await prisma.metric.count({ where: { runId: run.id } }),
      lastStep: 5,
    });
    expect(snap?.metricPoints).toBe(6);
    const stored = await prisma.runLog.findMany({ where: { runId: run.id }, orderBy: { ts: 'asc' } });
    expect(snap?.logs).toEqual(
      stored.map((l) => ({ ts: l.ts.toISOString(), level: l.level, message: l.message })),
    );
    expect(snap?.logs.map((l) => l.ts)).toEqual(times);
    const newer = await runSnapshot(run.id, new Date(times[0] as string));
    expect(newer?.logs.map((l) => l.message)).toEqual(['line 1', 'line 2']);
    expect((await runSnapshot(run.id, new Date(times[2] as string)))?.logs).toEqual([]);
  });

  it('answers null for a missing run and zero points for a run without metrics', async () => {
    expect(await runSnapshot('nope')).toBeNull();
    const run = await prisma.run.create({ data: { kind: 'train' } });
    expect(await runSnapshot(run.id)).toMatchObject({
      status: 'queued',
      metricPoints: 0,
      lastStep: null,
      logs: [],
    });
  });
});
