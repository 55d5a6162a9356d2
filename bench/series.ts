// Benchmark `series-api-100k`: GET /api/runs/[id]/series for a run whose series hold 100,000 points
// each (train loss and learning rate) plus per-epoch eval points, downsampled to 1,000 points per
// series. The route handler is called in-process against a real, fresh Postgres database (no HTTP
// transport). `p95_ms`: repeated views (40 calls after 5 warm-ups; reductions are cached until a
// series gets new steps). `cold_p95_ms`: the same call with the cache cleared before each of 15
// calls (first view, or a live run whose last step moved). Target: p95_ms ≤ 100.
import { availableParallelism } from 'node:os';
import { createTestDatabase } from '@tunelab/db/testing';

const POINTS = 100_000;
const WARMUP = 5;
const ITERATIONS = 40;

export const name = 'series-api-100k';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export async function run() {
  const db = await createTestDatabase('bench_series');
  const previousUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = db.databaseUrl;
  const { prisma, disconnectPrisma } = await import('@tunelab/db');
  try {
    const runRow = await prisma.run.create({
      data: { kind: 'train', status: 'succeeded', startedAt: new Date(Date.now() - 3600_000) },
    });
    const id = runRow.id;
    // Bulk insert in SQL: the benchmark measures reads, not 200k inserts through the client.
    await prisma.$executeRaw`
      INSERT INTO "Metric" (id, "runId", name, split, step, value, epoch, "wallTime")
      SELECT ${id} || '-l-' || g, ${id}, 'loss', 'train', g, exp(-g / 30000.0) + random() * 0.2, g / 10000.0,
             now() - interval '1 hour' + (g * interval '30 ms')
      FROM generate_series(1, ${POINTS}) g`;
    await prisma.$executeRaw`
      INSERT INTO "Metric" (id, "runId", name, split, step, value, epoch, "wallTime")
      SELECT ${id} || '-r-' || g, ${id}, 'lr', 'train', g, 1e-4 * (1 - g::float8 / ${POINTS}), g / 10000.0,
             now() - interval '1 hour' + (g * interval '30 ms')
      FROM generate_series(1, ${POINTS}) g`;
    await prisma.$executeRaw`
      INSERT INTO "Metric" (id, "runId", name, split, step, value, epoch, "wallTime")
      SELECT ${id} || '-m-' || g, ${id}, 'mae', 'eval', g * 10000, 2.0 / g, g, now()
      FROM generate_series(1, 10) g`;
    await prisma.$executeRaw`ANALYZE "Metric"`;

    const { GET } = await import('../apps/web/src/features/runs/api/series-route.ts');
    const url = `http://bench/api/runs/${id}/series?names=train/loss,train/lr,eval/mae&x=step&points=1000`;
    const call = async () => {
      const t0 = performance.now();
      const res = await GET(new Request(url), { params: Promise.resolve({ id }) });
      const body = (await res.json()) as { series: { key: string; total: number; points: unknown[] }[] };
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`series API answered ${res.status}`);
      const loss = body.series.find((s) => s.key === 'train/loss');
      if (loss?.total !== POINTS || loss.points.length !== 1000) {
        throw new Error(`unexpected loss series: total ${loss?.total}, ${loss?.points.length} points`);
      }
      return ms;
    };
    for (let i = 0; i < WARMUP; i++) await call();
    const times: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) times.push(await call());
    times.sort((a, b) => a - b);
    const { clearSeriesCache } = await import('../apps/web/src/features/runs/lib/series-query.ts');
    const cold: number[] = [];
    for (let i = 0; i < 15; i++) {
      clearSeriesCache();
      cold.push(await call());
    }
    cold.sort((a, b) => a - b);
    return {
      name,
      p50_ms: Math.round(percentile(times, 50) * 10) / 10,
      p95_ms: Math.round(percentile(times, 95) * 10) / 10,
      max_ms: Math.round((times.at(-1) as number) * 10) / 10,
      cold_p50_ms: Math.round(percentile(cold, 50) * 10) / 10,
      cold_p95_ms: Math.round(percentile(cold, 95) * 10) / 10,
      points_per_series: POINTS,
      returned_points_per_series: 1000,
      target_p95_ms: 100,
      cores: availableParallelism(),
    };
  } finally {
    await disconnectPrisma();
    await db.drop();
    if (previousUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previousUrl;
  }
}
