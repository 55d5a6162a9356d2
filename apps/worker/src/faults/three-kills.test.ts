// Fault drill: a training process killed three times (an OOM-killer loop). The process that died
// records nothing, so the worker runtime (the parent) records each lost attempt and, after the
// last, fails the run with the reason; the run never stays `running`.
import path from 'node:path';
import { QUEUE_NAMES } from '@tunelab/jobs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type THarness } from '../../test/harness.ts';
import { buildProcessorTable } from '../processors/run-job.ts';
import { startWorkerRuntime, type TWorkerRuntime } from '../runtime.ts';

let h: THarness;
let producer: Redis;
let compute: Queue;
let runtime: TWorkerRuntime | undefined;

beforeAll(async () => {
  h = await createHarness('worker_three_kills');
  producer = new Redis(h.redisUrl, { maxRetriesPerRequest: 1 });
  compute = new Queue(QUEUE_NAMES.compute, { connection: producer, prefix: h.prefix });
}, 60_000);

afterAll(async () => {
  await runtime?.close();
  await compute?.close();
  await producer?.quit();
  await h?.cleanup();
});

describe('a training process killed by SIGKILL on every attempt', () => {
  it('ends the run failed, with the reason recorded by the runtime', async () => {
    const run = await h.prisma.run.create({ data: { kind: 'train' } });
    runtime = await startWorkerRuntime({
      config: h.config({ workerId: 'parent' }),
      backend: 'test',
      table: buildProcessorTable([]),
      computeProcessorFile: path.join(import.meta.dirname, '../../test/fixtures/oom-sandbox.ts'),
      reconcileMs: 0,
      log: { info: () => undefined, error: () => undefined },
    });
    const job = await compute.add(
      'run.train',
      { runId: run.id },
      { attempts: 3, backoff: { type: 'fixed', delay: 50 }, jobId: `three-kills-${run.id}` },
    );
    const events = await h.events(QUEUE_NAMES.compute);
    await expect(job.waitUntilFinished(events, 60_000)).rejects.toThrow(/signal: SIGKILL/);

    // The parent records the last attempt right after BullMQ failed it.
    let stored = await h.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    for (let i = 0; i < 100 && stored.status !== 'failed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      stored = await h.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    }
    expect(stored).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: 'killed by SIGKILL three times: out of memory?',
    });
    expect(stored.finishedAt).not.toBeNull();
    // Each attempt really ran (one metric point each) and each death is in the run's log.
    expect(await h.prisma.metric.count({ where: { runId: run.id } })).toBe(3);
    const logs = await h.prisma.runLog.findMany({ where: { runId: run.id } });
    expect(logs.filter((l) => /the job's process was killed by SIGKILL/.test(l.message))).toHaveLength(3);
    expect((await compute.getJob(String(job.id)))?.attemptsMade).toBe(3);
  }, 90_000);
});
