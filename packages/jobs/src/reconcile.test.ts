// Reconcile on start, against real PostgreSQL and Redis: runs the database calls queued or running
// whose jobs Redis no longer holds are queued again under their job id, runs whose jobs failed are
// failed with the reason, live ones are left alone; an orphaned running run can be cancelled and
// every failed or cancelled run retried.
import { type Job, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobIdFor, QUEUE_NAMES } from './constants.ts';
import { getQueue } from './producer.ts';
import { reconcileRuns } from './reconcile.ts';
import { cancelRun, createQueuedRuns, retryRun } from './runs.ts';
import { createJobsTestStore, type TJobsTestStore } from './testing.ts';

let store: TJobsTestStore;
let prisma: TJobsTestStore['prisma'];

beforeAll(async () => {
  store = await createJobsTestStore('jobs-reconcile');
  ({ prisma } = store);
}, 60_000);

afterAll(() => store?.cleanup());

const compute = () => getQueue(QUEUE_NAMES.compute);

describe('reconcileRuns', () => {
  it('re-queues lost jobs, fails runs whose job failed, and leaves live ones alone', async () => {
    // An evaluate job failed for good (its worker took it and failed it, attempts 1) while its
    // run's failure could not be written.
    const [failedJob] = await createQueuedRuns([{ kind: 'evaluate' }]);
    const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      maxRetriesPerRequest: null,
    });
    const manual = new Worker(QUEUE_NAMES.compute, null, { connection, prefix: store.prefix });
    const taken = (await manual.getNextJob('tok')) as Job;
    expect(taken.data).toEqual({ runId: failedJob });
    taken.opts.attempts = 1;
    await taken.moveToFailed(new Error('Unexpected exit code: null signal: SIGKILL'), 'tok', false);
    await manual.close();
    await connection.quit();
    await prisma.run.update({
      where: { id: failedJob as string },
      data: { status: 'running', error: 'retrying after: killed by SIGKILL' },
    });
    const [lostQueued, lostRunning, waiting, heldRunning] = await createQueuedRuns([
      { kind: 'train' },
      { kind: 'train' },
      { kind: 'train' },
      { kind: 'train' },
    ]);
    const id = (runId: string | undefined) => jobIdFor('run.train', { runId: runId as string });
    // Redis lost two jobs (one of a run a dead worker had started); a third is still waiting.
    await (await compute().getJob(id(lostQueued)))?.remove();
    await (await compute().getJob(id(lostRunning)))?.remove();
    await (await compute().getJob(id(heldRunning)))?.remove();
    await prisma.run.updateMany({
      where: { id: { in: [lostRunning, heldRunning] as string[] } },
      data: { status: 'running', attempts: 1, workerId: 'gone:1' },
    });
    // A live worker still runs heldRunning (its job was lost while it ran): not queued twice.
    await prisma.workerHeartbeat.create({
      data: {
        id: 'alive:1',
        host: 'alive',
        backend: 'test',
        pid: 1,
        activeJobs: [{ jobId: id(heldRunning), name: 'run.train', queue: 'compute', runId: heldRunning }],
      },
    });

    const result = await reconcileRuns({ graceMs: 0 });
    expect(result.requeued.sort()).toEqual([lostQueued, lostRunning].sort());
    expect(result.failed).toEqual([failedJob]);

    for (const runId of [lostQueued, lostRunning, waiting]) {
      expect(await (await compute().getJob(id(runId)))?.getState()).toBe('waiting');
      expect((await prisma.run.findUniqueOrThrow({ where: { id: runId as string } })).status).toBe('queued');
    }
    expect(await compute().getJob(id(heldRunning))).toBeUndefined();
    expect((await prisma.run.findUniqueOrThrow({ where: { id: heldRunning as string } })).status).toBe(
      'running',
    );
    const failed = await prisma.run.findUniqueOrThrow({ where: { id: failedJob as string } });
    expect(failed).toMatchObject({ status: 'failed', error: 'killed by SIGKILL' });
    const logs = await prisma.runLog.findMany({ where: { runId: lostRunning as string } });
    expect(logs.map((l) => l.message).join('\n')).toMatch(/no longer in Redis; queued again/);

    // Idempotent: a second pass (another worker starting) changes nothing.
    expect(await reconcileRuns({ graceMs: 0 })).toEqual({ requeued: [], failed: [] });
    // Runs younger than the grace period (their job may be being stored) are not touched.
    const [fresh] = await createQueuedRuns([{ kind: 'train' }]);
    await (await compute().getJob(id(fresh)))?.remove();
    expect((await reconcileRuns({ graceMs: 60_000 })).requeued).toEqual([]);
  });

  it('leaves a cross-validation parent running while its folds run, and settles it after', async () => {
    // the parent's job completed after queueing its folds (awaitChildren): the run stays running
    const [parent] = await createQueuedRuns([{ kind: 'crossval' }]);
    const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      maxRetriesPerRequest: null,
    });
    const control = new Worker(QUEUE_NAMES.control, null, { connection, prefix: store.prefix });
    const taken = (await control.getNextJob('tok')) as Job;
    expect(taken.data).toEqual({ runId: parent });
    await taken.moveToCompleted({ awaitChildren: true }, 'tok', false);
    await control.close();
    await connection.quit();
    await prisma.run.update({ where: { id: parent as string }, data: { status: 'running' } });
    const folds = await createQueuedRuns(
      [0, 1].map((fold) => ({
        kind: 'train' as const,
        parentRun: { connect: { id: parent as string } },
        params: { fold },
      })),
    );
    await prisma.run.update({
      where: { id: folds[0] as string },
      data: { status: 'running', workerId: 'w:1' },
    });
    await prisma.workerHeartbeat.upsert({
      where: { id: 'alive:2' },
      update: { lastSeen: new Date() },
      create: {
        id: 'alive:2',
        host: 'alive',
        backend: 'test',
        pid: 2,
        activeJobs: [{ jobId: 'x', name: 'run.train', queue: 'compute', runId: folds[0] }],
      },
    });
    const result = await reconcileRuns({ graceMs: 0 });
    expect(result.failed).not.toContain(parent);
    expect((await prisma.run.findUniqueOrThrow({ where: { id: parent as string } })).status).toBe('running');
    // both folds end (outside the runtime, as a lost write would leave them): reconcile settles it
    await prisma.run.updateMany({
      where: { id: { in: folds as string[] } },
      data: { status: 'succeeded', summary: { metrics: { mae: 1 } } },
    });
    await reconcileRuns({ graceMs: 0 });
    const settled = await prisma.run.findUniqueOrThrow({ where: { id: parent as string } });
    expect(settled.status).toBe('succeeded');
    expect((settled.summary as { cv: { k: number } }).cv.k).toBe(2);
  });

  it('lets an orphaned running run be cancelled, then retried', async () => {
    const [runId] = (await createQueuedRuns([{ kind: 'train' }])) as [string];
    // kill -9 of the worker with a volatile Redis: the run says running, no job, no live worker.
    await (await compute().getJob(jobIdFor('run.train', { runId })))?.remove();
    await prisma.run.update({ where: { id: runId }, data: { status: 'running', workerId: 'dead:9' } });
    expect(await cancelRun(runId)).toEqual({ status: 'cancelled' });
    expect(await prisma.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({
      status: 'cancelled',
    });
    const jobId = await retryRun(runId);
    expect(jobId).toMatch(/-retry-/);
    expect(await (await compute().getJob(jobId as string))?.getState()).toBe('waiting');
    expect((await prisma.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe('queued');
  });
});
