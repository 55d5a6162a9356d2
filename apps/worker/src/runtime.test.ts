import path from 'node:path';
import { requestRunCancel, writeMetrics } from '@tunelab/db';
import { CancelledError, DEFAULT_JOB_OPTIONS, QUEUE_NAMES, ZTrainJob } from '@tunelab/jobs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type THarness } from '../test/harness.ts';
import { buildProcessorTable } from './processors/run-job.ts';
import { defineProcessor } from './processors/types.ts';
import { startWorkerRuntime, type TWorkerRuntime } from './runtime.ts';

let h: THarness;
let runtime: TWorkerRuntime;
let producer: Redis;
let control: Queue;
/** Lets the cancellation test see that its handler is inside the step loop. */
const stepsTaken = new Map<string, number>();

const table = buildProcessorTable([
  defineProcessor({
    name: 'run.train',
    schema: ZTrainJob,
    async handle({ runId }, { attempt, throwIfCancelled, job }) {
      const params = ((await h.prisma.run.findUniqueOrThrow({ where: { id: runId } })).params ?? {}) as {
        mode?: string;
      };
      if (params.mode === 'crash-once') {
        // Attempt 1 writes steps 0-4 then dies; attempt 2 replays from step 0 (no checkpoint).
        const last = attempt === 1 ? 4 : 9;
        for (let step = 0; step <= last; step++) {
          await writeMetrics(runId, [{ name: 'loss', split: 'train', step, value: 10 - step }]);
        }
        if (attempt === 1) throw new Error('simulated crash after step 4');
        return { steps: 10 };
      }
      if (params.mode === 'loop') {
        for (let step = 0; step < 10_000; step++) {
          await throwIfCancelled();
          await writeMetrics(runId, [{ name: 'loss', split: 'train', step, value: 1 }]);
          stepsTaken.set(runId, step + 1);
          await job.updateProgress(step);
        }
        throw new Error('loop was never cancelled');
      }
      if (params.mode === 'cancel-self') throw new CancelledError(runId);
      return { ok: true };
    },
  }),
]);

beforeAll(async () => {
  // Read the cancel flag on every throwIfCancelled call (the default reads it at most once a second).
  process.env.TUNELAB_CANCEL_CHECK_MS = '0';
  h = await createHarness('worker_runtime');
  runtime = await startWorkerRuntime({
    config: h.config(),
    backend: 'test-backend',
    table,
    computeProcessorFile: path.join(import.meta.dirname, '../test/fixtures/blocking-sandbox.ts'),
    computeLockMs: 1000,
    log: { info: () => undefined, error: () => undefined },
  });
  producer = new Redis(h.redisUrl, { maxRetriesPerRequest: 1 });
  control = new Queue(QUEUE_NAMES.control, { connection: producer, prefix: h.prefix });
}, 60_000);

afterAll(async () => {
  await control?.close();
  await producer?.quit();
  await runtime?.close();
  await h?.cleanup();
});

async function waitFor<T>(read: () => Promise<T | undefined | null | false>): Promise<T> {
  for (;;) {
    const value = await read();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('worker runtime', () => {
  it('rejects a bad payload with UnrecoverableError: one attempt, no retry', async () => {
    const events = await h.events(QUEUE_NAMES.control);
    const job = await control.add('run.train', { runId: 42 }, { ...DEFAULT_JOB_OPTIONS });
    await expect(job.waitUntilFinished(events)).rejects.toThrow(/Invalid payload for job run.train.*runId/);
    const failed = await control.getJob(String(job.id));
    expect(failed?.attemptsMade).toBe(1);
    expect(DEFAULT_JOB_OPTIONS.attempts).toBeGreaterThan(1);
  });

  it('fails an unknown job name without retrying', async () => {
    const events = await h.events(QUEUE_NAMES.control);
    const job = await control.add('run.nothing', { runId: 'x' }, { ...DEFAULT_JOB_OPTIONS });
    await expect(job.waitUntilFinished(events)).rejects.toThrow(/No processor for job "run.nothing"/);
    expect((await control.getJob(String(job.id)))?.attemptsMade).toBe(1);
  });

  it('stops a running run within one step when cancel is requested', async () => {
    const run = await h.prisma.run.create({ data: { kind: 'train', params: { mode: 'loop' } } });
    const events = await h.events(QUEUE_NAMES.control);
    const job = await control.add('run.train', { runId: run.id }, { ...DEFAULT_JOB_OPTIONS });
    await waitFor(async () => (stepsTaken.get(run.id) ?? 0) >= 3);
    expect((await h.prisma.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('running');
    // The heartbeat lists the job in progress (the dashboard shows what each worker is doing).
    await runtime.heartbeat.beat();
    const beat = await h.prisma.workerHeartbeat.findUniqueOrThrow({ where: { id: h.config().workerId } });
    expect(beat.activeJobs).toEqual([
      expect.objectContaining({ name: 'run.train', runId: run.id, queue: 'control' }),
    ]);
    expect(await requestRunCancel(run.id, h.prisma)).toBe(true);
    const stepsAtCancel = stepsTaken.get(run.id) ?? 0;
    expect(await job.waitUntilFinished(events)).toEqual({ cancelled: true });
    const stored = await h.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.status).toBe('cancelled');
    expect(stored.finishedAt).not.toBeNull();
    // At most the step that was in flight when the flag was set.
    expect((stepsTaken.get(run.id) ?? 0) - stepsAtCancel).toBeLessThanOrEqual(1);
    expect(await requestRunCancel(run.id, h.prisma)).toBe(false);
  });

  it('does not start a run whose cancel flag was set while it waited', async () => {
    const run = await h.prisma.run.create({ data: { kind: 'train', params: {}, cancelRequested: true } });
    const events = await h.events(QUEUE_NAMES.control);
    const job = await control.add('run.train', { runId: run.id }, { ...DEFAULT_JOB_OPTIONS });
    expect(await job.waitUntilFinished(events)).toEqual({ cancelled: true });
    const stored = await h.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.status).toBe('cancelled');
    expect(stored.startedAt).toBeNull();
  });

  it('retries a crashed attempt without losing or duplicating metric points', async () => {
    const run = await h.prisma.run.create({ data: { kind: 'train', params: { mode: 'crash-once' } } });
    const events = await h.events(QUEUE_NAMES.control);
    const job = await control.add(
      'run.train',
      { runId: run.id },
      { ...DEFAULT_JOB_OPTIONS, backoff: { type: 'fixed', delay: 10 } },
    );
    expect(await job.waitUntilFinished(events)).toMatchObject({ steps: 10, status: 'succeeded' });
    const metrics = await h.prisma.metric.findMany({ where: { runId: run.id }, orderBy: { step: 'asc' } });
    expect(metrics.map((m) => m.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const stored = await h.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.status).toBe('succeeded');
    expect(stored.workerId).toBe(h.config().workerId);
    expect(stored.backend).toBe('test-backend');
    const logs = await h.prisma.runLog.findMany({ where: { runId: run.id }, orderBy: { ts: 'asc' } });
    expect(logs.map((l) => l.message)).toEqual([
      'attempt 1 failed: simulated crash after step 4',
      `attempt 2 started on ${h.config().workerId}`,
    ]);
  });

  it('marks a run failed once its attempts are used up', async () => {
    const run = await h.prisma.run.create({ data: { kind: 'train', params: { mode: 'crash-once' } } });
    const events = await h.events(QUEUE_NAMES.control);
    const job = await control.add('run.train', { runId: run.id }, { attempts: 1 });
    await expect(job.waitUntilFinished(events)).rejects.toThrow(/simulated crash/);
    const stored = await h.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.status).toBe('failed');
    expect(stored.error).toBe('simulated crash after step 4');
  });

  it('runs compute jobs in a sandboxed .ts child that blocks its event loop past the lock time', async () => {
    const run = await h.prisma.run.create({ data: { kind: 'evaluate' } });
    const events = await h.events(QUEUE_NAMES.compute);
    const job = await runtime.queues.compute.add('run.evaluate', { runId: run.id }, { attempts: 1 });
    const result = (await job.waitUntilFinished(events)) as { pid: number; workerId: string };
    expect(result.pid).not.toBe(process.pid);
    expect(result.workerId).toBe(h.config().workerId);
    const stored = await h.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.status).toBe('succeeded');
    // One attempt, never seen as stalled although the child blocked 3x the 1 s lock duration.
    const finished = await runtime.queues.compute.getJob(String(job.id));
    expect(finished?.attemptsMade).toBe(1);
    expect(finished?.stalledCounter).toBe(0);
  }, 30_000);

  it('publishes a heartbeat with host, backend and pid', async () => {
    const beat = await h.prisma.workerHeartbeat.findUniqueOrThrow({ where: { id: h.config().workerId } });
    expect(beat.backend).toBe('test-backend');
    expect(beat.pid).toBe(process.pid);
  });
});

describe('shutdown', () => {
  it('closes exactly once and removes the heartbeat', async () => {
    const first = runtime.close();
    expect(runtime.close()).toBe(first);
    await first;
    expect(await h.prisma.workerHeartbeat.count()).toBe(0);
    expect(runtime.workers.every((worker) => worker.closing !== undefined)).toBe(true);
  });
});
