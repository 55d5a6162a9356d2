import { createTestDatabase, type TTestDatabase } from '@tunelab/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: TTestDatabase;
let prisma: typeof import('@tunelab/db').prisma;
let loadRunSeries: typeof import('./series-query.ts').loadRunSeries;
let clearSeriesCache: typeof import('./series-query.ts').clearSeriesCache;
let ZSeriesQuery: typeof import('./series-params.ts').ZSeriesQuery;

beforeAll(async () => {
  db = await createTestDatabase('web_series');
  process.env.DATABASE_URL = db.databaseUrl;
  ({ prisma } = await import('@tunelab/db'));
  ({ loadRunSeries, clearSeriesCache } = await import('./series-query.ts'));
  ({ ZSeriesQuery } = await import('./series-params.ts'));
}, 120_000);

afterAll(async () => {
  const { disconnectPrisma } = await import('@tunelab/db');
  await disconnectPrisma();
  await db?.drop();
});

describe('loadRunSeries', () => {
  it('downsamples a long series keeping first, last and both extremes, and reads short ones whole', async () => {
    const run = await prisma.run.create({ data: { kind: 'train' } });
    const n = 5000;
    await prisma.metric.createMany({
      data: Array.from({ length: n }, (_, i) => ({
        runId: run.id,
        name: 'loss',
        split: 'train',
        step: i + 1,
        value: i === 3210 ? 99 : i === 4321 ? -7 : Math.sin(i / 50),
        epoch: (i + 1) / 1000,
      })),
    });
    await prisma.metric.createMany({
      data: [1, 2, 3].map((e) => ({
        runId: run.id,
        name: 'mae',
        split: 'eval',
        step: e * 1000,
        value: 3 - e,
        epoch: e,
      })),
    });
    const q = ZSeriesQuery.parse({ names: 'loss,eval_mae,missing', points: '100', x: 'epoch' });
    const series = await loadRunSeries(run.id, q);
    expect(series.map((s) => s.key)).toEqual(['train/loss', 'eval/mae']);
    const loss = series[0];
    expect(loss?.total).toBe(n);
    expect(loss?.points).toHaveLength(100);
    expect(loss?.points[0]).toEqual([0.001, Math.sin(0)]);
    expect(loss?.points.at(-1)?.[0]).toBeCloseTo(5, 12);
    const ys = loss?.points.map((p) => p[1]) ?? [];
    expect(Math.max(...ys)).toBe(99);
    expect(Math.min(...ys)).toBe(-7);
    expect(loss?.points.find((p) => p[1] === 99)?.[0]).toBeCloseTo(3.211, 12);
    expect(series[1]?.points).toEqual([
      [1, 2],
      [2, 1],
      [3, 0],
    ]);

    // new steps invalidate the cached reduction
    await prisma.metric.create({
      data: { runId: run.id, name: 'mae', split: 'eval', step: 4000, value: -1, epoch: 4 },
    });
    const again = await loadRunSeries(run.id, ZSeriesQuery.parse({ names: 'eval/mae', x: 'step' }));
    expect(again[0]?.points.at(-1)).toEqual([4000, -1]);
    clearSeriesCache();
  });

  it('plots steps written with whole epochs at fractional epochs between the epoch ends', async () => {
    const run = await prisma.run.create({ data: { kind: 'train' } });
    await prisma.metric.createMany({
      data: Array.from({ length: 20 }, (_, i) => ({
        runId: run.id,
        name: 'loss',
        split: 'train',
        step: i + 1,
        value: 1 / (i + 1),
        epoch: i < 10 ? 1 : 2,
      })),
    });
    await prisma.metric.createMany({
      data: [1, 2].map((e) => ({
        runId: run.id,
        name: 'mae',
        split: 'eval',
        step: e * 10,
        value: e,
        epoch: e,
      })),
    });
    const [loss] = await loadRunSeries(run.id, ZSeriesQuery.parse({ names: 'train/loss', x: 'epoch' }));
    const xs = loss?.points.map((p) => p[0]) ?? [];
    expect(xs[0]).toBeCloseTo(0.1, 12);
    expect(xs[14]).toBeCloseTo(1.5, 12);
    expect(new Set(xs).size).toBe(20);
  });

  it('reads a multi-item run’s <item>/<metric> curves by the names the run page asks for', async () => {
    const { runSeriesNames, evalSeriesKey } = await import('./run-series.ts');
    const run = await prisma.run.create({ data: { kind: 'train' } });
    await prisma.metric.createMany({
      data: [1, 2].flatMap((e) => [
        { runId: run.id, name: 'mae', split: 'eval', step: e * 10, value: 2 / e, epoch: e },
        { runId: run.id, name: 'sad/mae', split: 'eval', step: e * 10, value: 3 / e, epoch: e },
        { runId: run.id, name: 'sleep/mae', split: 'eval', step: e * 10, value: 1 / e, epoch: e },
      ]),
    });
    const q = ZSeriesQuery.parse({ names: runSeriesNames('sad').join(','), x: 'epoch' });
    const series = await loadRunSeries(run.id, q);
    const sad = series.find((s) => s.key === evalSeriesKey('mae', 'sad'));
    expect(sad?.points).toEqual([
      [1, 3],
      [2, 1.5],
    ]);
    expect(series.find((s) => s.key === 'eval/mae')?.points).toEqual([
      [1, 2],
      [2, 1],
    ]);
    expect(series.some((s) => s.key.includes('sleep'))).toBe(false);
  });

  it('extends a live series by its new steps and answers as a fresh read would', async () => {
    const { writeMetrics } = await import('@tunelab/db');
    const run = await prisma.run.create({
      data: { kind: 'train', startedAt: new Date(Date.now() - 60_000) },
    });
    const loss = (steps: number[]) =>
      steps.map((step) => ({
        name: 'loss',
        split: 'train',
        step,
        value: Math.cos(step / 7),
        epoch: step / 100,
      }));
    const odd = Array.from({ length: 150 }, (_, i) => 2 * i + 1);
    await writeMetrics(run.id, loss(odd));
    const fresh = async (names: string) => {
      clearSeriesCache();
      return loadRunSeries(run.id, ZSeriesQuery.parse({ names, points: '200', x: 'step' }));
    };
    const q = ZSeriesQuery.parse({ names: 'train/loss', points: '200', x: 'step' });
    const first = await loadRunSeries(run.id, q);
    expect(first[0]?.total).toBe(150);
    // new steps after the kept last one: only they are read, the answer equals a fresh read
    await writeMetrics(run.id, loss([301, 303, 305]));
    const extended = await loadRunSeries(run.id, q);
    expect(extended[0]?.total).toBe(153);
    expect(extended[0]?.lastStep).toBe(305);
    expect(extended).toEqual(await fresh('train/loss'));
    // a late point below the kept last step (a gap filled) is not missed either
    await loadRunSeries(run.id, q);
    await writeMetrics(run.id, loss([100, 307]));
    const refilled = await loadRunSeries(run.id, q);
    expect(refilled[0]?.total).toBe(155);
    expect(refilled[0]?.points.some(([x]) => x === 100)).toBe(true);
    expect(refilled).toEqual(await fresh('train/loss'));
  });

  it('answers with a validator: 304 while the series stand still, 200 once a point arrives', async () => {
    const { writeMetrics } = await import('@tunelab/db');
    const { GET } = await import('../api/series-route.ts');
    const run = await prisma.run.create({ data: { kind: 'train' } });
    await writeMetrics(
      run.id,
      [1, 2, 3].map((step) => ({ name: 'loss', split: 'train', step, value: 1 / step })),
    );
    const url = `http://localhost/api/runs/${run.id}/series?names=train/loss,train/lr&x=step&points=1000`;
    const get = (etag?: string) =>
      GET(new Request(url, { headers: etag ? { 'if-none-match': etag } : {} }), {
        params: Promise.resolve({ id: run.id }),
      });
    const first = await get();
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^W\/"[\w-]+"$/);
    expect(((await first.json()) as { series: unknown[] }).series).toHaveLength(1);
    const again = await get(etag ?? undefined);
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    // a new series among the asked names changes the answer, so the validator too
    await writeMetrics(run.id, [{ name: 'lr', split: 'train', step: 1, value: 1e-4 }]);
    const moved = await get(etag ?? undefined);
    expect(moved.status).toBe(200);
    expect(moved.headers.get('etag')).not.toBe(etag);
    expect(((await moved.json()) as { series: unknown[] }).series).toHaveLength(2);
    // another run's writes leave it alone
    const other = await prisma.run.create({ data: { kind: 'train' } });
    await writeMetrics(other.id, [{ name: 'loss', split: 'train', step: 9, value: 1 }]);
    expect((await get(moved.headers.get('etag') ?? undefined)).status).toBe(304);
  });

  it('names a missing run', async () => {
    await expect(loadRunSeries('nope', ZSeriesQuery.parse({ names: 'loss' }))).rejects.toThrow(
      /Run nope does not exist/,
    );
  });
});
