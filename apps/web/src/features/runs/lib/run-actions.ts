import { JOB_NAMES, jobIdFor } from '@tunelab/core/jobs';
import { prisma } from '@tunelab/db';
import { cancelRunJob, enqueueJob } from './enqueue.ts';

const JOB_OF_KIND = {
  train: JOB_NAMES.runTrain,
  pretrain: JOB_NAMES.runPretrain,
  evaluate: JOB_NAMES.runEvaluate,
} as const;

export class RunActionError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function getRun(id: string) {
  const run = await prisma.run.findUnique({ where: { id } });
  if (!run) throw new RunActionError(404, `Run ${id} does not exist`);
  return run;
}

function jobNameOf(kind: string) {
  const name = JOB_OF_KIND[kind as keyof typeof JOB_OF_KIND];
  if (!name) throw new RunActionError(400, `Runs of kind ${kind} cannot be queued from here`);
  return name;
}

/**
 * Cancels a run: a queued run's job is removed and the run marked cancelled at once; a running one
 * gets cancelRequested, which the worker checks before every step.
 */
export async function cancelRun(id: string): Promise<string> {
  const run = await getRun(id);
  if (run.status !== 'queued' && run.status !== 'running') {
    throw new RunActionError(409, `Run ${id} is ${run.status}: only queued or running runs can be cancelled`);
  }
  const { status } = await cancelRunJob(id);
  await prisma.runLog.create({
    data: {
      runId: id,
      level: 'warn',
      message: status === 'cancelled' ? 'Cancelled before it started' : 'Cancellation requested',
    },
  });
  return status === 'cancelled' ? 'cancelled' : 'cancel-requested';
}

/** Retries a failed or cancelled run in place: same id, metrics kept (writes are idempotent), resumes from its last checkpoint. */
export async function retryRun(id: string): Promise<void> {
  const run = await getRun(id);
  if (run.status !== 'failed' && run.status !== 'cancelled') {
    throw new RunActionError(409, `Run ${id} is ${run.status}: only failed or cancelled runs can be retried`);
  }
  const name = jobNameOf(run.kind);
  await prisma.run.update({
    where: { id },
    data: { status: 'queued', error: null, cancelRequested: false, finishedAt: null, etaSeconds: null },
  });
  // a finished job with the same deterministic id would make add() a no-op: use a retry suffix
  const jobId = await enqueueRetry(name, id);
  await prisma.run.update({ where: { id }, data: { queueJobId: jobId } });
  await prisma.runLog.create({ data: { runId: id, level: 'info', message: `Retry queued as job ${jobId}` } });
}

function enqueueRetry(name: (typeof JOB_OF_KIND)[keyof typeof JOB_OF_KIND], runId: string): Promise<string> {
  return enqueueJob(name, { runId }, `${jobIdFor(name, { runId })}-retry-${Date.now()}`);
}
