import { fork } from 'node:child_process';
import path from 'node:path';
import { writeMetrics } from '@tunelab/db';
import { DEFAULT_JOB_OPTIONS, QUEUE_NAMES, ZTrainJob } from '@tunelab/jobs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type THarness } from '../test/harness.ts';
import { buildProcessorTable } from './processors/run-job.ts';
import { defineProcessor } from './processors/types.ts';
import { startWorkerRuntime, type TWorkerRuntime } from './runtime.ts';

let h: THarness;
let producer: Redis;
let control: Queue;
let rescuer: TWorkerRuntime | undefined;

beforeAll(async () => {
  h = await createHarness('worker_crash');
  producer = new Redis(h.redisUrl, { maxRetriesPerRequest: 1 });
  control = new Queue(QUEUE_NAMES.control, { connection: producer, prefix: h.prefix });
}, 60_000);

afterAll(async () => {
  await rescuer?.close();
  await control?.close();
  await producer?.quit();
  await h?.cleanup();
});

describe('a worker killed mid-job', () => {
  it('has its job taken over by another worker, with every metric point stored exactly once', async () => {
    const run = await h.prisma.run.create({ data: { kind: 'train' } });
    const doomed = fork(path.join(import.meta.dirname, '../test/fixtures/crashing-worker.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        DATABASE_URL: h.db.databaseUrl,
        TUNELAB_REDIS_PREFIX: h.prefix,
        REDIS_URL: h.redisUrl,
      },
      stdio: 'ignore',
    });
    await new Promise((resolve) => doomed.once('message', resolve));
    const job = await control.add('run.train', { runId: run.id }, { ...DEFAULT_JOB_OPTIONS });

    // Kill it once it wrote steps 0-4 (like a machine losing power: no cleanup runs).
    while ((await h.prisma.metric.count({ where: { runId: run.id } })) < 5) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect((await h.prisma.run.findUniqueOrThrow({ where: { id: run.id } })).workerId).toBe('doomed-worker');
    const exited = new Promise((resolve) => doomed.once('exit', resolve));
    doomed.kill('SIGKILL');
    await exited;

    // A second worker notices the expired lock and replays the job from the start.
    rescuer = await startWorkerRuntime({
      config: h.config({ workerId: 'rescuer' }),
      backend: 'test',
      table: buildProcessorTable([
        defineProcessor({
          name: 'run.train',
          schema: ZTrainJob,
          async handle({ runId }) {
            for (let step = 0; step <= 9; step++) {
              await writeMetrics(runId, [{ name: 'loss', split: 'train', step, value: 10 - step }]);
            }
            return { steps: 10 };
          },
        }),
      ]),
      computeProcessorFile: null,
      controlLockMs: 1000,
      log: { info: () => undefined, error: () => undefined },
    });
    const events = await h.events(QUEUE_NAMES.control);
    expect(await job.waitUntilFinished(events)).toMatchObject({ steps: 10, status: 'succeeded' });

    const metrics = await h.prisma.metric.findMany({ where: { runId: run.id }, orderBy: { step: 'asc' } });
    expect(metrics.map((metric) => metric.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const stored = await h.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored.status).toBe('succeeded');
    expect(stored.workerId).toBe('rescuer');
    expect((await control.getJob(String(job.id)))?.stalledCounter).toBe(1);
  }, 60_000);
});
