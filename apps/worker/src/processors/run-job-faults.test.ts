// runJob's answers to faults, with a stand-in BullMQ job (the drills in src/faults/ run the real
// thing): a processor that fails because the database went away is queued again without using an
// attempt; one stopped by a worker shutdown is handed back and its run put back to queued.
import { ZTrainJob } from '@tunelab/core/jobs';
import { SHUTDOWN_REASON } from '@tunelab/jobs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProcessorTestEnv,
  destroyProcessorTestEnv,
  type TProcessorTestEnv,
} from '../../test/processor-env.ts';
import { buildProcessorTable, runJob } from './run-job.ts';
import { defineProcessor } from './types.ts';

let env: TProcessorTestEnv;

beforeAll(async () => {
  env = await createProcessorTestEnv('worker_run_job_faults');
}, 60_000);

afterAll(() => destroyProcessorTestEnv(env));

function standInJob(runId: string) {
  const moves: string[] = [];
  return {
    moves,
    job: {
      id: `j-${runId}`,
      name: 'run.train',
      data: { runId },
      attemptsMade: 0,
      opts: { attempts: 3 },
      updateProgress: async () => undefined,
      log: () => undefined,
      moveToWait: async (token?: string) => moves.push(`wait ${token}`),
      moveToDelayed: async (timestamp: number, token?: string) =>
        moves.push(`delayed ${timestamp > Date.now() - 1000} ${token}`),
    },
  };
}

describe('runJob under faults', () => {
  it('queues a job again, attempt not counted, when the database went away under it', async () => {
    const run = await env.prisma.run.create({ data: { kind: 'train' } });
    const unreachable = Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), {
      code: 'P1001',
    });
    const table = buildProcessorTable([
      defineProcessor({
        name: 'run.train',
        schema: ZTrainJob,
        async handle() {
          throw unreachable;
        },
      }),
    ]);
    const { job, moves } = standInJob(run.id);
    await expect(runJob(job, table, { workerId: 'w', backend: 'test', token: 't1' })).rejects.toMatchObject({
      name: 'DelayedError',
    });
    expect(moves).toEqual(['delayed true t1']);
    const stored = await env.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(stored).toMatchObject({ status: 'queued', error: null, attempts: 1 });
    const logs = await env.prisma.runLog.findMany({ where: { runId: run.id } });
    expect(logs.map((l) => l.message)).toEqual([
      "attempt 1 paused: Can't reach database server at 127.0.0.1:5432; queued again (attempt not counted)",
    ]);
  });

  it('hands the job back when the worker shuts down, and the run waits for another worker', async () => {
    const run = await env.prisma.run.create({ data: { kind: 'train' } });
    const abort = new AbortController();
    let steps = 0;
    const table = buildProcessorTable([
      defineProcessor({
        name: 'run.train',
        schema: ZTrainJob,
        async handle(_payload, ctx) {
          for (;;) {
            if (ctx.interruptRequested()) await ctx.throwIfCancelled(); // a processor without checkpoints
            steps += 1;
            if (steps === 3) abort.abort(SHUTDOWN_REASON);
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        },
      }),
    ]);
    const { job, moves } = standInJob(run.id);
    await expect(
      runJob(job, table, { workerId: 'w', backend: 'test', token: 't2', signal: abort.signal }),
    ).rejects.toMatchObject({ name: 'WaitingError' });
    expect([steps, moves]).toEqual([3, ['wait t2']]);
    expect(await env.prisma.run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: 'queued',
      error: null,
    });
  });
});
