// Fault drill: PostgreSQL away in the middle of a run, for TUNELAB_DRILL_PG_DOWN_S seconds (60 under
// `npm test`, which runs this file beside the other tests since it mostly waits: test/drills-apart.ts;
// 5 by default, by hand), on a private server (the shared one is never stopped). Infrastructure
// errors wait and retry with backoff and use up none of the job's attempts; metric points and log
// lines are buffered while the database is away and written when it is back; the run ends
// succeeded with every step stored once.
import path from 'node:path';
import { readCoreEnv } from '@tunelab/core/env';
import { DEFAULT_JOB_OPTIONS, QUEUE_NAMES } from '@tunelab/jobs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type THarness } from '../../test/harness.ts';
import { canStartPrivatePostgres, startPrivatePostgres, type TPrivateServer } from '../../test/servers.ts';
import { buildProcessorTable } from '../processors/run-job.ts';
import { startWorkerRuntime, type TWorkerRuntime } from '../runtime.ts';

const DOWN_S = readCoreEnv().TUNELAB_DRILL_PG_DOWN_S;
let server: TPrivateServer | undefined;
let h: THarness | undefined;
let producer: Redis;
let compute: Queue;
let runtime: TWorkerRuntime | undefined;
const sharedDatabaseUrl = process.env.DATABASE_URL;

beforeAll(async () => {
  if (!canStartPrivatePostgres()) return;
  server = await startPrivatePostgres();
  process.env.DATABASE_URL = server.url; // createHarness makes its database on this server
  h = await createHarness('worker_pg_down');
  Object.assign(process.env, { TUNELAB_INFRA_BACKOFF_MS: '200', TUNELAB_CANCEL_CHECK_MS: '0' });
  producer = new Redis(h.redisUrl, { maxRetriesPerRequest: 1 });
  compute = new Queue(QUEUE_NAMES.compute, { connection: producer, prefix: h.prefix });
}, 90_000);

afterAll(async () => {
  await runtime?.close();
  await compute?.close();
  await producer?.quit();
  await h?.cleanup();
  await server?.destroy();
  if (sharedDatabaseUrl) process.env.DATABASE_URL = sharedDatabaseUrl;
});

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read().catch(() => undefined as T);
    if (value !== undefined && ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!canStartPrivatePostgres())(`PostgreSQL down for ${DOWN_S} s in the middle of a run`, () => {
  it(
    'waits without using attempts, buffers metrics, and ends the run succeeded',
    async () => {
      const harness = h as THarness;
      const pg = server as TPrivateServer;
      // 40 steps of 100 ms: the outage starts at about step 5 and (5 s or more) outlasts the rest, so
      // both the buffered metrics and the run's final status wait for the database.
      const steps = 40;
      const run = await harness.prisma.run.create({
        data: { kind: 'train', params: { steps, stepMs: 100 } },
      });
      runtime = await startWorkerRuntime({
        config: harness.config({ workerId: 'pg-drill', heartbeatMs: 500 }),
        backend: 'test',
        table: buildProcessorTable([]),
        computeProcessorFile: path.join(import.meta.dirname, '../../test/fixtures/steps-sandbox.ts'),
        reconcileMs: 0,
        log: { info: () => undefined, error: () => undefined },
      });
      const job = await compute.add(
        'run.train',
        { runId: run.id },
        { ...DEFAULT_JOB_OPTIONS, backoff: { type: 'fixed', delay: 100 }, jobId: `pg-${run.id}` },
      );
      // beside the other tests the sandbox may take a while to start
      await until(
        'the run to start',
        () => harness.prisma.run.findUniqueOrThrow({ where: { id: run.id } }),
        (r) => r.status === 'running',
        90_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 400));
      const downAt = Date.now();
      await pg.kill();
      await new Promise((resolve) => setTimeout(resolve, DOWN_S * 1000));
      const backAt = Date.now();
      await pg.start();

      const events = await harness.events(QUEUE_NAMES.compute);
      expect(await job.waitUntilFinished(events, 120_000)).toMatchObject({ status: 'succeeded' });
      const recoverSeconds = (Date.now() - backAt) / 1000;
      const done = await harness.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
      expect(done).toMatchObject({ status: 'succeeded', attempts: 1, error: null });
      // No attempt failed (BullMQ counts the one that completed).
      const finished = await compute.getJob(String(job.id));
      expect([finished?.attemptsMade, finished?.stacktrace]).toEqual([1, []]);
      const points = await harness.prisma.metric.findMany({
        where: { runId: run.id, name: 'loss' },
        orderBy: { step: 'asc' },
      });
      expect(points.map((p) => p.step)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
      // Points made while the database was away (buffered: nothing could be written then) are stored.
      const madeWhileDown = points.filter(
        (p) => p.wallTime.getTime() > downAt && p.wallTime.getTime() < backAt,
      );
      expect(madeWhileDown.length).toBeGreaterThan(0);
      const logs = (await harness.prisma.runLog.findMany({ where: { runId: run.id } })).map((l) => l.message);
      expect(logs).toContain(`half way: step ${steps / 2}`);
      expect(
        logs.some((m) => /^database back after [\d.]+ s; buffered metrics and logs written$/.test(m)),
      ).toBe(true);
      console.info(
        `[drill] PostgreSQL down ${DOWN_S} s: run succeeded ${recoverSeconds.toFixed(1)} s after it was back, attempt 1, no attempt used`,
      );
    },
    240_000 + DOWN_S * 1000,
  );
});
