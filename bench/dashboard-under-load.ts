// Benchmark `dashboard-under-load` (issue 14, "Load"): while a training run is going, N clients
// (default 20) fetch the runs page, the run page and the series API in turn for D seconds (default
// 30) on a real stack (`next start` built into apps/web/.tunelab/next-e2e, built first when missing;
// one worker; fresh database, Redis prefix and artifact folder). The tiny-bert fixture and an AFINN
// sample go in through the API; one long fine-tune is launched through POST /api/runs.
// `<route>_p95_ms` per route (runs_page, run_page, series_api), `p95_ms` the worst of them, `errors`
// (non-2xx or failed fetches). `train_slowdown`: the median interval between logged training steps
// (Metric wallTime of `loss`) under load over the same median in a quiet window of D seconds before
// it (1.0 = unaffected). Target: every route's p95 ≤ 300 ms. TUNELAB_BENCH_LOAD_CLIENTS and
// TUNELAB_BENCH_LOAD_SECONDS scale it (a smoke run: 3 clients, 5 s).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { readCoreEnv } from '@tunelab/core/env';
import pg from 'pg';
import { importModel, TINY_BERT, uploadDataset } from '../apps/web/e2e/e2e-data.ts';
import { freePort, startStack, WEB_DIR, waitFor } from '../apps/web/e2e/stack.ts';

export const name = 'dashboard-under-load';
const DIST = '.tunelab/next-e2e';
const TARGET_MS = 300;

function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Median interval (ms) between consecutive logged loss steps of `runId` in [from, to). */
async function stepInterval(client: pg.Client, runId: string, from: Date, to: Date): Promise<number | null> {
  const { rows } = await client.query<{ ms: number }>(
    `SELECT EXTRACT(EPOCH FROM ("wallTime" - lag("wallTime") OVER (ORDER BY step))) * 1000
            / NULLIF(step - lag(step) OVER (ORDER BY step), 0) AS ms
       FROM "Metric" WHERE "runId" = $1 AND name = 'loss' AND split = 'train'
        AND "wallTime" >= $2 AND "wallTime" < $3`,
    [runId, from, to],
  );
  return percentile(
    rows.map((r) => Number(r.ms)).filter((ms) => Number.isFinite(ms) && ms > 0),
    50,
  );
}

export async function run() {
  const { TUNELAB_BENCH_LOAD_CLIENTS: clients, TUNELAB_BENCH_LOAD_SECONDS: seconds } = readCoreEnv();
  process.env.TUNELAB_NEXT_DIST_DIR = DIST;
  if (!existsSync(path.join(WEB_DIR, DIST, 'BUILD_ID'))) {
    const b = spawnSync(
      process.execPath,
      [path.resolve(WEB_DIR, '../../node_modules/next/dist/bin/next'), 'build'],
      { cwd: WEB_DIR, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, stdio: 'inherit' },
    );
    if (b.status !== 0) throw new Error('next build failed');
  }
  const log: string[] = [];
  const stack = await startStack({ port: await freePort(), worker: true, log });
  const dir = await mkdtemp(path.join(tmpdir(), 'tunelab-bench-load-'));
  const db = new pg.Client({ connectionString: stack.databaseUrl });
  const base = stack.baseUrl;
  try {
    await db.connect();
    const modelId = await importModel(base, TINY_BERT, 'tiny-bert');
    const datasetId = await uploadDataset(base, dir);
    const launched = await fetch(`${base}/api/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      // long enough to outlast both windows; cancelled at the end
      body: JSON.stringify({
        modelId,
        datasetId,
        params: { epochs: 100, batchSize: 8, maxLength: 16, lr: 1e-4 },
      }),
    });
    const body = (await launched.json()) as { runIds?: string[]; error?: string };
    if (launched.status !== 201 || !body.runIds?.[0])
      throw new Error(`POST /api/runs: ${JSON.stringify(body)}`);
    const runId = body.runIds[0];
    await waitFor(
      'the first training steps',
      async () => {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM "Metric" WHERE "runId" = $1 AND name = 'loss'`,
          [runId],
        );
        return (rows[0]?.n ?? 0) >= 3;
      },
      120_000,
      250,
    );

    const quietFrom = new Date();
    await sleep(seconds * 1000);
    const loadFrom = new Date();

    const routes = {
      runs_page: '/runs',
      run_page: `/runs/${runId}`,
      // what the run page polls for its loss chart
      series_api: `/api/runs/${runId}/series?names=train/loss,train/lr&x=step&points=1000`,
    } as const;
    const latencies: Record<keyof typeof routes, number[]> = { runs_page: [], run_page: [], series_api: [] };
    let errors = 0;
    const errorStatus: Record<string, number> = {};
    const end = Date.now() + seconds * 1000;
    const keys = Object.keys(routes) as (keyof typeof routes)[];
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        for (let k = c; Date.now() < end; k++) {
          const route = keys[k % keys.length] as keyof typeof routes;
          const t0 = performance.now();
          try {
            const res = await fetch(`${base}${routes[route]}`);
            await res.arrayBuffer();
            if (!res.ok) {
              errors++;
              const key = `${route} ${res.status}`;
              errorStatus[key] = (errorStatus[key] ?? 0) + 1;
            }
          } catch (error) {
            errors++;
            const key = `${route} ${(error as Error).name}`;
            errorStatus[key] = (errorStatus[key] ?? 0) + 1;
          }
          latencies[route].push(performance.now() - t0);
        }
      }),
    );
    const loadTo = new Date();
    // let the reporter flush the points of the loaded window
    await sleep(3000);
    const quiet = await stepInterval(db, runId, quietFrom, loadFrom);
    const loaded = await stepInterval(db, runId, loadFrom, loadTo);
    await fetch(`${base}/api/runs/${runId}/cancel`, { method: 'POST' }).catch(() => undefined);

    const p95 = Object.fromEntries(keys.map((k) => [`${k}_p95_ms`, round(percentile(latencies[k], 95))]));
    const worst = Math.max(...keys.map((k) => percentile(latencies[k], 95) ?? Number.POSITIVE_INFINITY));
    return {
      name,
      clients,
      seconds,
      ...p95,
      p95_ms: round(worst),
      requests: keys.reduce((n, k) => n + latencies[k].length, 0),
      errors,
      error_kinds: Object.entries(errorStatus)
        .map(([kind, n]) => `${kind} ×${n}`)
        .join(', '),
      quiet_step_ms: round(quiet),
      loaded_step_ms: round(loaded),
      train_slowdown: quiet && loaded ? Math.round((loaded / quiet) * 100) / 100 : null,
      target_ms: TARGET_MS,
      meets_target: worst <= TARGET_MS && errors === 0,
      cpus: availableParallelism(),
    };
  } catch (error) {
    console.error(log.slice(-40).join('\n'));
    throw error;
  } finally {
    await db.end().catch(() => undefined);
    await stack.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
