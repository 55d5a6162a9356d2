// Fault drill: Redis restarted mid-run with jobs waiting. With a volatile Redis (it keeps nothing,
// the worst case) the waiting jobs are gone after the restart: the worker reconciles when its
// connection comes back and queues them again from the database. With the append-only file
// (`npm start`'s Redis) they survive by themselves. Either way every run ends succeeded, each step
// stored once, and the heartbeat stops listing a job once its run has finished.
import path from 'node:path';
import { closeProducer, createQueuedRuns } from '@tunelab/jobs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { STEPS } from '../../test/fixtures/steps-sandbox.ts';
import { createHarness, type THarness } from '../../test/harness.ts';
import { startPrivateRedis, type TPrivateServer } from '../../test/servers.ts';
import { buildProcessorTable } from '../processors/run-job.ts';
import { startWorkerRuntime, type TWorkerRuntime } from '../runtime.ts';

let h: THarness;
let redis: TPrivateServer | undefined;
let runtime: TWorkerRuntime | undefined;

beforeAll(async () => {
  h = await createHarness('worker_redis_restart');
}, 60_000);

afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
  await closeProducer();
  await redis?.destroy();
  redis = undefined;
});

afterAll(async () => {
  await h?.cleanup();
});

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each([
  { durable: false, label: 'a volatile Redis (loses every job)' },
  { durable: true, label: 'an append-only Redis (as npm start runs it)' },
])('Redis restarted while a run trains and two wait: $label', ({ durable }) => {
  it('loses nothing queued; every run succeeds; the heartbeat reflects reality', async () => {
    redis = await startPrivateRedis({ durable });
    process.env.REDIS_URL = redis.url;
    const workerId = `w-${durable ? 'aof' : 'volatile'}`;
    runtime = await startWorkerRuntime({
      config: h.config({ redisUrl: redis.url, workerId, heartbeatMs: 200 }),
      backend: 'test',
      table: buildProcessorTable([]),
      computeProcessorFile: path.join(import.meta.dirname, '../../test/fixtures/steps-sandbox.ts'),
      reconcileMs: 0,
      reconcileGraceMs: 0,
      log: { info: () => undefined, error: () => undefined },
    });
    const ids = await createQueuedRuns([{ kind: 'train' }, { kind: 'train' }, { kind: 'train' }]);
    const [first] = ids as [string];
    await until(
      'the first run to train a few steps',
      () => h.prisma.metric.count({ where: { runId: first, name: 'loss' } }),
      (n) => n >= 1,
    );
    await redis.kill();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const restartedAt = Date.now();
    await redis.start();

    const runs = await until(
      'every run to finish',
      () => h.prisma.run.findMany({ where: { id: { in: ids } }, orderBy: { createdAt: 'asc' } }),
      (rs) => rs.every((r) => r.status !== 'queued' && r.status !== 'running'),
      60_000,
    );
    const recoverSeconds = (Date.now() - restartedAt) / 1000;
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    for (const run of runs) {
      const steps = (
        await h.prisma.metric.findMany({ where: { runId: run.id, name: 'loss' }, orderBy: { step: 'asc' } })
      ).map((m) => m.step);
      expect(steps).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
    }
    const requeued = await h.prisma.runLog.count({
      where: { runId: { in: ids }, message: { contains: 'no longer in Redis; queued again' } },
    });
    // Volatile: the two waiting jobs were re-created from the database; durable: nothing was lost.
    expect(requeued).toBe(durable ? 0 : 2);
    // The heartbeat lists no job once they are all done (even one whose end BullMQ could not report).
    const beat = await until(
      'the heartbeat to list no active job',
      () => h.prisma.workerHeartbeat.findUniqueOrThrow({ where: { id: workerId } }),
      (b) => Array.isArray(b.activeJobs) && b.activeJobs.length === 0,
      5_000,
    );
    expect(beat.activeJobs).toEqual([]);
    console.info(
      `[drill] Redis restart (${durable ? 'append-only' : 'volatile'}): all 3 runs done ${recoverSeconds.toFixed(1)} s after Redis was back; ${requeued} re-queued from the database`,
    );
  }, 90_000);
});
