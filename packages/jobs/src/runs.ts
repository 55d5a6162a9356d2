// Creating, cancelling and retrying Runs from a producer (web app, worker processors, scripts).
// Status moves here only where no worker will see the job: a queued run whose job was removed is
// cancelled at once, a finished run is put back to queued for a retry. Everything else about a
// Run's status is the worker runtime's (apps/worker/src/processors/run-job.ts).
import {
  appendRunLog,
  finishRun,
  getPrisma,
  type Prisma,
  requestRunCancel,
  requestSweepCancel,
  requeueRun,
  settleSweep,
} from '@tunelab/db';
import { findRunKindJob, jobIdFor, jobOfRunKind, type TRunKind } from './constants.ts';
import { enqueueJob, removeQueuedJob } from './producer.ts';
import { runJobState, runsActiveOnWorkers } from './reconcile.ts';

/** A Run to create: any Run fields, with nested detail rows (`merge: { create }`, `analysis: { create }`). */
export type TQueuedRunInput = Prisma.RunCreateInput & { kind: TRunKind };

/**
 * Creates Run rows (in one transaction: all or none), enqueues each kind's job with `{ runId }` and
 * stores its queue job id. Returns the run ids in input order.
 */
export async function createQueuedRuns(runs: readonly TQueuedRunInput[]): Promise<string[]> {
  if (runs.length === 0) return [];
  for (const run of runs) jobOfRunKind(run.kind); // a kind without a job fails before writing
  const prisma = getPrisma();
  const created = await prisma.$transaction(
    runs.map((data) =>
      prisma.run.create({ data: { ...data, status: 'queued' }, select: { id: true, kind: true } }),
    ),
  );
  await enqueueRuns(created);
  return created.map((r) => r.id);
}

/**
 * Enqueues the job of each existing queued run and stores its queue job id. `jobId` overrides the
 * derived id (a retry must not collide with the finished job of the same run).
 */
export async function enqueueRuns(
  runs: readonly { id: string; kind: string }[],
  jobIdOf?: (run: { id: string; kind: string }) => string,
): Promise<string[]> {
  const prisma = getPrisma();
  const jobIds: string[] = [];
  for (const run of runs) {
    const name = jobOfRunKind(run.kind);
    const jobId = await enqueueJob(name, { runId: run.id }, jobIdOf?.(run));
    await prisma.run.update({ where: { id: run.id }, data: { queueJobId: jobId } });
    jobIds.push(jobId);
  }
  return jobIds;
}

/**
 * Cancels a run: sets its cancel flag (a running processor stops at its next check) and, when its
 * job is still waiting, removes the job and marks the run cancelled right away. A parent's open
 * child runs (cross-validation folds) are cancelled with it. Returns the run's
 * status afterwards.
 */
export async function cancelRun(runId: string): Promise<{ status: string }> {
  const prisma = getPrisma();
  const flagged = await requestRunCancel(runId);
  let run = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
  if (!flagged) return { status: run.status };
  // A cross-validation parent: cancel cascades to its open folds (the parent settles cancelled
  // when the last of them ends).
  const openChildren = await prisma.run.findMany({
    where: { parentRunId: runId, status: { in: ['queued', 'running'] } },
    select: { id: true },
  });
  if (openChildren.length > 0) {
    for (const child of openChildren) await cancelRun(child.id);
    run = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
    if (run.status !== 'queued') return { status: run.status };
  }
  const name = findRunKindJob(run.kind);
  const jobId = run.queueJobId ?? (name ? jobIdFor(name, { runId }) : null);
  if (name && jobId && (await removeQueuedJob(name, jobId).catch(() => false))) {
    await finishRun(runId, 'cancelled');
    return { status: 'cancelled' };
  }
  // No job left that a worker will pick up or is running (Redis lost it, or it failed while the
  // run's failure could not be written), and no live worker lists the run: nothing else would
  // ever finish it.
  // (Redis unreachable: the job may well be there; the flag stands and the worker sees it.)
  const job = await runJobState(run).catch(() => ({ state: 'active' }));
  const live = job ? ['waiting', 'active', 'delayed', 'prioritized'].includes(job.state) : false;
  if (!live && !(await runsActiveOnWorkers()).has(runId)) {
    await finishRun(runId, 'cancelled');
    await appendRunLog(runId, 'cancelled (no worker held its job)');
    return { status: 'cancelled' };
  }
  return { status: run.status };
}

/**
 * Retries a failed or cancelled run in place: same id, metrics kept (writes are idempotent),
 * training resumes from its last checkpoint. Returns the new queue job id, or null when the run is
 * not failed or cancelled.
 */
export async function retryRun(runId: string): Promise<string | null> {
  const prisma = getPrisma();
  const run = await prisma.run.findUnique({ where: { id: runId }, select: { id: true, kind: true } });
  if (!run) throw new Error(`Run ${runId} does not exist`);
  const name = jobOfRunKind(run.kind);
  if (!(await requeueRun(runId))) return null;
  // A finished job with the derived id would make add() a no-op: a retry gets its own id.
  const [jobId] = await enqueueRuns([run], () => `${jobIdFor(name, { runId })}-retry-${Date.now()}`);
  await appendRunLog(runId, `Retry queued as job ${jobId}`);
  return jobId ?? null;
}

/**
 * Cancels a sweep: its launch creates no further runs and each of its queued or running runs is
 * cancelled; the sweep settles (cancelled, or failed when a run had failed) when the last one ends.
 */
export async function cancelSweep(sweepId: string): Promise<{ status: string }> {
  const open = await requestSweepCancel(sweepId);
  for (const runId of open) await cancelRun(runId);
  const status = await settleSweep(sweepId);
  return { status };
}
