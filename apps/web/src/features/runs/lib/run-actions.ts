import { prisma } from '@tunelab/db';
import { cancelRun as cancelRunJob, findRunKindJob, retryRun as retryRunJob } from '@tunelab/jobs';

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

/**
 * Cancels a run of any kind (training, evaluation, merge, analysis): a queued run's job is removed
 * and the run marked cancelled at once; a running one gets cancelRequested, which the worker checks
 * between units of work.
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
  if (!findRunKindJob(run.kind))
    throw new RunActionError(400, `Runs of kind ${run.kind} cannot be queued from here`);
  if ((await retryRunJob(id)) === null) {
    throw new RunActionError(409, `Run ${id} changed state: only failed or cancelled runs can be retried`);
  }
}
