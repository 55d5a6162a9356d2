import { getPrisma, type PrismaClient } from './client.ts';

/** Terminal states: once there, a run is never touched by a (retried) job again. */
export const FINISHED_RUN_STATUSES = ['succeeded', 'failed', 'cancelled'] as const;

/** Checked by processors between steps/batches so a cancel stops within one step. */
export async function isCancelRequested(runId: string, client: PrismaClient = getPrisma()): Promise<boolean> {
  const run = await client.run.findUnique({
    where: { id: runId },
    select: { cancelRequested: true, status: true },
  });
  if (!run) throw new Error(`Run ${runId} does not exist`);
  return run.cancelRequested || run.status === 'cancelled';
}

/**
 * Sets the cancel flag of a queued or running run. Returns false when the run is already finished.
 * Removing a still-waiting job from the queue is the producer's part (apps/web/src/server/queue.ts).
 */
export async function requestRunCancel(runId: string, client: PrismaClient = getPrisma()): Promise<boolean> {
  const result = await client.run.updateMany({
    where: { id: runId, status: { in: ['queued', 'running'] } },
    data: { cancelRequested: true },
  });
  if (result.count === 0 && !(await client.run.findUnique({ where: { id: runId }, select: { id: true } }))) {
    throw new Error(`Run ${runId} does not exist`);
  }
  return result.count > 0;
}

export async function markRunRunning(
  runId: string,
  worker: { workerId: string; backend?: string },
  client: PrismaClient = getPrisma(),
): Promise<void> {
  const run = await client.run.findUnique({ where: { id: runId }, select: { startedAt: true } });
  await client.run.update({
    where: { id: runId },
    data: {
      status: 'running',
      startedAt: run?.startedAt ?? new Date(),
      workerId: worker.workerId,
      ...(worker.backend ? { backend: worker.backend } : {}),
      error: null,
    },
  });
}

/** Back to queued between attempts (BullMQ retries after its backoff), keeping why it failed. */
export async function markRunRetrying(
  runId: string,
  reason: string,
  client: PrismaClient = getPrisma(),
): Promise<void> {
  await client.run.updateMany({
    where: { id: runId, status: 'running' },
    data: { status: 'queued', error: `retrying after: ${reason}` },
  });
}

/** Moves a run to a terminal state unless it already is in one (first writer wins). */
export async function finishRun(
  runId: string,
  status: (typeof FINISHED_RUN_STATUSES)[number],
  details: { error?: string; summary?: object } = {},
  client: PrismaClient = getPrisma(),
): Promise<boolean> {
  const result = await client.run.updateMany({
    where: { id: runId, status: { notIn: [...FINISHED_RUN_STATUSES] } },
    data: {
      status,
      finishedAt: new Date(),
      etaSeconds: null,
      ...(status === 'succeeded' ? { progress: 1 } : {}),
      ...(details.error !== undefined ? { error: details.error } : {}),
      ...(details.summary !== undefined ? { summary: details.summary } : {}),
    },
  });
  return result.count > 0;
}

export async function appendRunLog(
  runId: string,
  message: string,
  level: 'debug' | 'info' | 'warn' | 'error' = 'info',
  client: PrismaClient = getPrisma(),
): Promise<void> {
  await client.runLog.create({ data: { runId, message, level } });
}
