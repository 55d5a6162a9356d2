// Fault drill: SIGTERM to a worker's process group (what `npm start` sends on Ctrl-C, and what a
// container stop sends) in the middle of a real fine-tuning run. The worker checkpoints at the next
// step boundary, hands the job back to the queue and exits within seconds (not after the whole
// job); another worker resumes the run from that checkpoint and finishes it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeCheckpoint } from '@tunelab/core/train';
import { DEFAULT_JOB_OPTIONS, QUEUE_NAMES } from '@tunelab/jobs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type THarness } from '../../test/harness.ts';
import { seedTrainRun } from '../../test/train-run-seed.ts';
import { startWorkerRuntime, type TWorkerRuntime } from '../runtime.ts';

let h: THarness;
let artifacts: string;
let producer: Redis;
let compute: Queue;
let worker: ChildProcess | undefined;
let rescuer: TWorkerRuntime | undefined;

beforeAll(async () => {
  h = await createHarness('worker_sigterm');
  artifacts = await mkdtemp(path.join(tmpdir(), 'tunelab-sigterm-'));
  Object.assign(process.env, { TUNELAB_ARTIFACTS_DIR: artifacts, TUNELAB_THREADS: '1' });
  producer = new Redis(h.redisUrl, { maxRetriesPerRequest: 1 });
  compute = new Queue(QUEUE_NAMES.compute, { connection: producer, prefix: h.prefix });
}, 60_000);

afterAll(async () => {
  if (worker?.pid && worker.exitCode === null) process.kill(-worker.pid, 'SIGKILL');
  await rescuer?.close();
  await compute?.close();
  await producer?.quit();
  await h?.cleanup();
  await rm(artifacts, { recursive: true, force: true });
});

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('SIGTERM to a worker in the middle of a training run', () => {
  it('checkpoints at the next step, releases the job, exits in seconds; another worker resumes', async () => {
    // 2 epochs of 40 steps (160 train rows, batch 4): longer than the drill needs to interrupt it.
    const run = await seedTrainRun(
      h.prisma,
      artifacts,
      { epochs: 2, batchSize: 4, maxLength: 12, lr: 1e-3, evalFraction: 0.05 },
      168,
    );
    const t0 = Date.now();
    worker = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../main.ts')], {
      cwd: path.join(import.meta.dirname, '../..'),
      detached: true, // its own process group, as npm start runs it
      stdio: 'ignore',
      env: { ...process.env, TUNELAB_RECONCILE_MS: '0', TUNELAB_HEARTBEAT_MS: '500' },
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      worker?.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const job = await compute.add(
      'run.train',
      { runId: run.id },
      { ...DEFAULT_JOB_OPTIONS, jobId: `t-${run.id}` },
    );
    // Let it train a few steps (the reporter flushes loss points every 1.5 s).
    await until(
      'the first training steps',
      () => h.prisma.metric.count({ where: { runId: run.id, name: 'loss' } }),
      (n) => n >= 2,
    );
    const signalledAt = Date.now();
    const firstStepsSeconds = (signalledAt - t0) / 1000;
    process.kill(-(worker.pid as number), 'SIGTERM');
    const exit = await exited;
    const exitSeconds = (Date.now() - signalledAt) / 1000;
    expect(exit.code).toBe(0);
    // Well inside npm start's grace period (it SIGKILLs a group still there after 15 s). That it
    // did not wait for the whole job is shown below: the job is back in the queue, mid-run.
    expect(exitSeconds).toBeLessThan(15);

    // Released: the job waits for another worker, no attempt used up, the run queued again.
    const released = await compute.getJob(String(job.id));
    expect(await released?.getState()).toBe('waiting');
    expect(released?.attemptsMade).toBe(0);
    const queued = await h.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(queued).toMatchObject({ status: 'queued', error: null });
    const file = path.join(artifacts, 'runs', run.id, 'checkpoint.bin');
    const bytes = await readFile(file);
    const checkpoint = decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    expect(checkpoint.step).toBeGreaterThanOrEqual(2);
    expect(checkpoint.step).toBeLessThan(80);
    expect(checkpoint.inEpoch).toBeDefined();

    // Another worker takes it and resumes from that step.
    rescuer = await startWorkerRuntime({
      config: h.config({ workerId: 'rescuer' }),
      backend: 'test',
      reconcileMs: 0,
      log: { info: () => undefined, error: () => undefined },
    });
    const events = await h.events(QUEUE_NAMES.compute);
    expect(await released?.waitUntilFinished(events, 120_000)).toMatchObject({ status: 'succeeded' });
    const done = await h.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(done).toMatchObject({ status: 'succeeded', workerId: 'rescuer', attempts: 1 });
    const logs = (await h.prisma.runLog.findMany({ where: { runId: run.id } })).map((l) => l.message);
    expect(logs).toContain(
      `Resuming from the checkpoint at step ${checkpoint.step} (epoch ${checkpoint.epoch + 1}, batch ${(checkpoint.inEpoch?.batches ?? 0) + 1})`,
    );
    expect(logs.some((m) => /released by .* \(shutting down\)/.test(m))).toBe(true);
    // Every step's loss stored exactly once, 1..N, across both workers.
    const total = (done.summary as { steps: number }).steps;
    expect(total).toBe(80);
    const steps = (
      await h.prisma.metric.findMany({ where: { runId: run.id, name: 'loss' }, orderBy: { step: 'asc' } })
    ).map((m) => m.step);
    expect(steps).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    await expect(stat(file)).rejects.toThrow(); // removed once the run succeeded
    console.info(
      `[drill] first steps after ${firstStepsSeconds.toFixed(1)} s; SIGTERM → worker exit ${exitSeconds.toFixed(1)} s; resumed at step ${checkpoint.step} (batch ${checkpoint.inEpoch?.batches} of epoch ${checkpoint.epoch + 1}); finished ${((Date.now() - signalledAt) / 1000).toFixed(1)} s after the signal`,
    );
  }, 180_000);
});
