// The producer against real PostgreSQL and Redis: payloads are parsed before they reach Redis,
// createQueuedRuns creates, enqueues and records the job id, a waiting job is removed and its run
// cancelled at once, a running run only gets its flag, a failed run is retried in place, and a
// sweep's cancel reaches its runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOB_NAMES, jobIdFor, QUEUE_NAMES, RUN_KIND_JOB } from './constants.ts';
import { enqueueJob, getQueue, queuePosition } from './producer.ts';
import { cancelRun, cancelSweep, createQueuedRuns, retryRun } from './runs.ts';
import { createJobsTestStore, type TJobsTestStore } from './testing.ts';

let store: TJobsTestStore;
let prisma: TJobsTestStore['prisma'];

beforeAll(async () => {
  store = await createJobsTestStore('jobs-runs');
  ({ prisma } = store);
}, 60_000);

afterAll(() => store?.cleanup());

describe('enqueueJob', () => {
  it('refuses a bad payload before it reaches Redis, naming the job and field', async () => {
    const before = await getQueue(QUEUE_NAMES.compute).count();
    await expect(enqueueJob(JOB_NAMES.mergeRun, { runId: '' })).rejects.toThrow(
      /Invalid payload for job merge\.run: runId/,
    );
    await expect(
      enqueueJob(JOB_NAMES.runTrain, { runId: 'r1', extra: 1 } as unknown as { runId: string }),
    ).rejects.toThrow(/Invalid payload for job run\.train/);
    expect(await getQueue(QUEUE_NAMES.compute).count()).toBe(before);
  });
});

describe('createQueuedRuns', () => {
  it('creates a merge run with its detail row, enqueues merge.run and stores the job id', async () => {
    const [runId] = (await createQueuedRuns([
      { kind: 'merge', merge: { create: { method: 'linear', config: 'merge_method: linear\n' } } },
    ])) as [string];
    const run = await prisma.run.findUniqueOrThrow({ where: { id: runId }, include: { merge: true } });
    expect(run).toMatchObject({
      kind: 'merge',
      status: 'queued',
      queueJobId: jobIdFor('merge.run', { runId }),
    });
    expect(run.merge?.method).toBe('linear');
    const job = await getQueue(QUEUE_NAMES.compute).getJob(run.queueJobId ?? '');
    expect(job?.name).toBe(RUN_KIND_JOB.merge);
    expect(job?.data).toEqual({ runId });
  });

  it('writes nothing for a kind without a job', async () => {
    const count = await prisma.run.count();
    await expect(createQueuedRuns([{ kind: 'sweep' as never }])).rejects.toThrow(
      'Runs of kind sweep have no job',
    );
    expect(await prisma.run.count()).toBe(count);
  });
});

describe('cancelRun', () => {
  it('removes a waiting job and marks its run cancelled', async () => {
    const [runId] = (await createQueuedRuns([{ kind: 'train' }])) as [string];
    const jobId = jobIdFor(JOB_NAMES.runTrain, { runId });
    expect(await getQueue(QUEUE_NAMES.compute).getJob(jobId)).toBeDefined();
    expect(await queuePosition(JOB_NAMES.runTrain, jobId)).toBeGreaterThan(0);
    // Enqueueing the same run again is a no-op (deterministic job id).
    const waiting = await getQueue(QUEUE_NAMES.compute).getJobCounts('waiting');
    await enqueueJob(JOB_NAMES.runTrain, { runId });
    expect(await getQueue(QUEUE_NAMES.compute).getJobCounts('waiting')).toEqual(waiting);

    expect(await cancelRun(runId)).toEqual({ status: 'cancelled' });
    expect(await getQueue(QUEUE_NAMES.compute).getJob(jobId)).toBeUndefined();
    expect(await queuePosition(JOB_NAMES.runTrain, jobId)).toBeNull();
    const stored = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(stored).toMatchObject({ status: 'cancelled', cancelRequested: true });
  });

  it('only flags a running run that a live worker holds', async () => {
    const run = await prisma.run.create({ data: { kind: 'train', status: 'running' } });
    await prisma.workerHeartbeat.create({
      data: {
        id: `w-${run.id}`,
        host: 'h',
        backend: 'test',
        pid: 1,
        activeJobs: [{ jobId: 'j', name: 'run.train', queue: 'compute', runId: run.id }],
      },
    });
    expect(await cancelRun(run.id)).toEqual({ status: 'running' });
    expect(await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: 'running',
      cancelRequested: true,
    });
  });

  it('leaves a finished run alone', async () => {
    const run = await prisma.run.create({ data: { kind: 'train', status: 'succeeded' } });
    expect(await cancelRun(run.id)).toEqual({ status: 'succeeded' });
    expect((await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).cancelRequested).toBe(false);
  });

  it('names a run that does not exist', async () => {
    await expect(cancelRun('nope')).rejects.toThrow('Run nope does not exist');
  });
});

describe('retryRun', () => {
  it('puts a failed analysis run back in the queue under a new job id', async () => {
    const run = await prisma.run.create({
      data: {
        kind: 'analyse',
        status: 'failed',
        error: 'boom',
        cancelRequested: true,
        finishedAt: new Date(),
      },
    });
    const jobId = await retryRun(run.id);
    expect(jobId).toMatch(new RegExp(`^${jobIdFor('analysis.vectors', { runId: run.id })}-retry-`));
    expect(await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: 'queued',
      error: null,
      cancelRequested: false,
      finishedAt: null,
      queueJobId: jobId,
    });
    expect((await getQueue(QUEUE_NAMES.compute).getJob(jobId ?? ''))?.data).toEqual({ runId: run.id });
    // A queued run is not retried again.
    expect(await retryRun(run.id)).toBeNull();
  });
});

describe('cancelSweep', () => {
  it('cancels every open run of the sweep and settles it', async () => {
    const sweep = await prisma.sweep.create({
      data: { name: 's', recipe: {}, fractions: [0.5, 1], seeds: [1], status: 'running' },
    });
    const ids = await createQueuedRuns(
      [0.5, 1].map((fraction) => ({
        kind: 'train' as const,
        fraction,
        seed: 1,
        sweep: { connect: { id: sweep.id } },
      })),
    );
    expect(await cancelSweep(sweep.id)).toEqual({ status: 'cancelled' });
    const runs = await prisma.run.findMany({ where: { id: { in: ids } } });
    expect(runs.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
    expect(await prisma.sweep.findUniqueOrThrow({ where: { id: sweep.id } })).toMatchObject({
      status: 'cancelled',
      cancelRequested: true,
    });
  });
});
