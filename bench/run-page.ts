// Benchmark `run-page-100k`: time until the run page of a run with 100,000 points per step series
// (loss, learning rate) plus per-epoch eval curves has painted its loss chart in headless Chromium
// (`next start` on a fresh database, built into apps/web/.tunelab/next-e2e; built first when
// missing). paint_ms = performance.now() in the page (from navigation start) when the loss chart's
// line path exists; median of 5 loads after one cold load (cold_paint_ms). Target: paint_ms ≤ 1500.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumExecutable, startStack, WEB_DIR } from '../apps/web/e2e/stack.ts';

export const name = 'run-page-100k';
const DIST = '.tunelab/next-e2e';
const POINTS = 100_000;

export async function run() {
  process.env.TUNELAB_NEXT_DIST_DIR = DIST;
  if (!existsSync(path.join(WEB_DIR, DIST, 'BUILD_ID'))) {
    const b = spawnSync(
      process.execPath,
      [path.resolve(WEB_DIR, '../../node_modules/next/dist/bin/next'), 'build'],
      {
        cwd: WEB_DIR,
        env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
        stdio: 'inherit',
      },
    );
    if (b.status !== 0) throw new Error('next build failed');
  }
  const log: string[] = [];
  const stack = await startStack({ port: 3218, worker: false, log });
  const profile = await mkdtemp(path.join(tmpdir(), 'tunelab-bench-chrome-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumExecutable(),
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
  });
  const client = new pg.Client({ connectionString: stack.databaseUrl });
  try {
    await client.connect();
    const id = 'benchrun100k';
    await client.query(
      `INSERT INTO "Run" (id, kind, status, params, progress, "startedAt", "finishedAt") VALUES ($1, 'train', 'succeeded', '{}', 1, now() - interval '1 hour', now())`,
      [id],
    );
    for (const [metric, expr] of [
      ['loss', 'exp(-g / 30000.0) + random() * 0.2'],
      ['lr', `1e-4 * (1 - g::float8 / ${POINTS})`],
    ] as const) {
      await client.query(
        `INSERT INTO "Metric" (id, "runId", name, split, step, value, epoch, "wallTime")
         SELECT $1 || '-${metric}-' || g, $1, '${metric}', 'train', g, ${expr}, g / 10000.0, now() - interval '1 hour' + g * interval '30 ms'
         FROM generate_series(1, ${POINTS}) g`,
        [id],
      );
    }
    for (const metric of ['mae', 'rmse', 'accuracy', 'flexible_accuracy']) {
      await client.query(
        `INSERT INTO "Metric" (id, "runId", name, split, step, value, epoch) SELECT $1 || '-${metric}-' || g, $1, '${metric}', 'eval', g * 10000, 1.0 / g, g FROM generate_series(1, 10) g`,
        [id],
      );
    }
    await client.query('ANALYZE "Metric"');
    const page = browser.pages()[0] ?? (await browser.newPage());
    const load = async () => {
      await page.goto(`${stack.baseUrl}/runs/${id}`, { waitUntil: 'commit' });
      const handle = await page.waitForFunction(
        () => {
          const el = document.querySelector('[data-testid=chart-train-loss]');
          const drawn = el?.querySelector('path.recharts-curve[d]');
          return Number(el?.getAttribute('data-points') ?? 0) > 0 && drawn ? performance.now() : 0;
        },
        undefined,
        { timeout: 60_000, polling: 'raf' },
      );
      return (await handle.jsonValue()) as number;
    };
    const cold = await load();
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push(await load());
    times.sort((a, b) => a - b);
    return {
      name,
      paint_ms: Math.round(times[2] as number),
      max_paint_ms: Math.round(times[4] as number),
      cold_paint_ms: Math.round(cold),
      points_per_series: POINTS,
      target_ms: 1500,
      cores: availableParallelism(),
    };
  } catch (e) {
    console.error(log.slice(-30).join('\n'));
    throw e;
  } finally {
    await client.end().catch(() => undefined);
    await browser.close();
    await rm(profile, { recursive: true, force: true });
    await stack.stop();
  }
}
