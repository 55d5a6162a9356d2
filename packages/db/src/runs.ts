import { summarizeCrossval } from '@tunelab/core/crossval';
import { withoutServerPaths } from '@tunelab/core/errors';
import { cellLabel } from '@tunelab/core/sweeps';
import { getArtifactStore } from './artifacts.ts';
import { getPrisma, type PrismaClient } from './client.ts';

/** Run.error is read on the dashboard: no absolute server paths in it (the store is named). */
function publicError(message: string): string {
  return withoutServerPaths(message, getArtifactStore().root);
}

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

/** Queued → running for one attempt (1-based), recording the worker and the attempt count. */
export async function markRunRunning(
  runId: string,
  worker: { workerId: string; backend?: string; attempt?: number },
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
      ...(worker.attempt ? { attempts: worker.attempt } : {}),
      error: null,
    },
  });
}

/** Progress (0..1) and ETA of a running run; ignored once the run has finished. */
export async function setRunProgress(
  runId: string,
  progress: number,
  etaSeconds: number | null = null,
  client: PrismaClient = getPrisma(),
): Promise<void> {
  await client.run.updateMany({
    where: { id: runId, status: 'running' },
    data: { progress: Math.max(0, Math.min(1, progress)), etaSeconds },
  });
}

/**
 * A failed or cancelled run back to queued for a retry (same id; metrics are kept, writes are
 * idempotent). Returns false when the run is in another state.
 */
export async function requeueRun(runId: string, client: PrismaClient = getPrisma()): Promise<boolean> {
  const result = await client.run.updateMany({
    where: { id: runId, status: { in: ['failed', 'cancelled'] } },
    data: { status: 'queued', error: null, cancelRequested: false, finishedAt: null, etaSeconds: null },
  });
  if (result.count === 0) return false;
  const run = await client.run.findUnique({
    where: { id: runId },
    select: { sweepId: true, parentRunId: true },
  });
  // A retried fold reopens its cross-validation parent (which has no job of its own left).
  if (run?.parentRunId) {
    await client.run.updateMany({
      where: { id: run.parentRunId, status: { in: ['failed', 'cancelled', 'succeeded'] } },
      data: { status: 'running', error: null, finishedAt: null, cancelRequested: false },
    });
  }
  // A retried child reopens its sweep.
  if (run?.sweepId) {
    await client.sweep.update({
      where: { id: run.sweepId },
      data: { status: 'running', error: null, finishedAt: null, cancelRequested: false },
    });
  }
  return true;
}

/** Back to queued between attempts (BullMQ retries after its backoff), keeping why it failed. */
export async function markRunRetrying(
  runId: string,
  reason: string,
  client: PrismaClient = getPrisma(),
): Promise<void> {
  await client.run.updateMany({
    where: { id: runId, status: 'running' },
    data: { status: 'queued', error: `retrying after: ${publicError(reason)}` },
  });
}

/**
 * Running → queued without a failure: its job was handed back (a worker shutting down released it,
 * or the job was lost and is queued again); the next attempt resumes from the run's checkpoint.
 * Returns false when the run was not running.
 */
export async function markRunRequeued(runId: string, client: PrismaClient = getPrisma()): Promise<boolean> {
  const result = await client.run.updateMany({
    where: { id: runId, status: 'running' },
    data: { status: 'queued', error: null, etaSeconds: null },
  });
  return result.count > 0;
}

/**
 * Moves a run to a terminal state unless it already is in one (first writer wins). When it was the
 * last unfinished run of a sweep, the sweep is settled too (settleSweep).
 */
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
      ...(details.error !== undefined ? { error: publicError(details.error) } : {}),
      ...(details.summary !== undefined ? { summary: details.summary } : {}),
    },
  });
  if (result.count === 0) return false;
  const run = await client.run.findUnique({
    where: { id: runId },
    select: { sweepId: true, parentRunId: true },
  });
  if (run?.parentRunId) await settleParentRun(run.parentRunId, client);
  if (run?.sweepId) await settleSweep(run.sweepId, client);
  return true;
}

/**
 * Derives a cross-validation parent's end from its folds once none is queued or running: succeeded
 * with the folds' mean ± std (sample std) as its summary when every fold succeeded, failed naming
 * the failed folds, else cancelled. Called by the runtime (a fold finishing, or the parent's job
 * returning after it queued its folds). Returns the parent's status.
 */
export async function settleParentRun(parentId: string, client: PrismaClient = getPrisma()): Promise<string> {
  const parent = await client.run.findUnique({ where: { id: parentId }, select: { status: true } });
  if (!parent) return 'missing';
  const folds = await client.run.findMany({
    where: { parentRunId: parentId },
    select: { id: true, status: true, params: true, summary: true, error: true },
  });
  if (parent.status !== 'running') return parent.status;
  if (folds.length === 0 || folds.some((r) => r.status === 'queued' || r.status === 'running'))
    return parent.status;
  const foldOf = (r: (typeof folds)[number]) => Number((r.params as { fold?: number } | null)?.fold ?? -1);
  const failed = folds.filter((r) => r.status === 'failed').sort((a, b) => foldOf(a) - foldOf(b));
  if (failed.length > 0) {
    const error = `${failed.length} of ${folds.length} folds failed: ${failed
      .map((r) => `fold ${foldOf(r)} (run ${r.id})${r.error ? `: ${r.error}` : ''}`)
      .join('; ')}`;
    await finishRun(parentId, 'failed', { error }, client);
    return 'failed';
  }
  if (!folds.every((r) => r.status === 'succeeded')) {
    await finishRun(parentId, 'cancelled', {}, client);
    return 'cancelled';
  }
  await finishRun(
    parentId,
    'succeeded',
    { summary: crossvalSummary(folds.map((r) => ({ ...r, fold: foldOf(r) }))) },
    client,
  );
  return 'succeeded';
}

type TFoldRow = { id: string; fold: number; summary: unknown };

/**
 * A parent's Run.summary: the folds' mean metrics, reference and error reduction (so lists, compare
 * and sweeps read it as a run; per item too) plus `cv` (mean ± sample std over folds, per item).
 */
function crossvalSummary(folds: readonly TFoldRow[]) {
  const cv = summarizeCrossval(folds.map((f) => ({ fold: f.fold, runId: f.id, summary: f.summary })));
  const num = (key: string) => {
    const xs = folds
      .map((f) => (f.summary as Record<string, unknown> | null)?.[key])
      .filter((v): v is number => typeof v === 'number');
    return xs.length ? xs.reduce((t, x) => t + x, 0) / xs.length : undefined;
  };
  const er = (m: Record<string, number> | undefined) =>
    m ? { errorReduction: { mae: m.mae ?? null, flexible: m.flexible ?? null } } : {};
  return {
    metrics: cv.mean,
    ...(cv.reference ? { reference: { kind: cv.reference.kind, metrics: cv.reference.mean } } : {}),
    ...er(cv.errorReduction?.mean),
    ...(cv.items
      ? {
          items: Object.fromEntries(
            Object.entries(cv.items).map(([name, it]) => [
              name,
              {
                metrics: it.metrics.mean,
                ...(it.reference ? { reference: it.reference.mean } : {}),
                ...er(it.errorReduction?.mean),
              },
            ]),
          ),
        }
      : {}),
    ...(num('trainRows') !== undefined ? { trainRows: Math.round(num('trainRows') as number) } : {}),
    ...(num('evalRows') !== undefined ? { evalRows: Math.round(num('evalRows') as number) } : {}),
    cv,
  };
}

/**
 * Derives a sweep's status from its runs once none is queued or running: succeeded when all
 * succeeded, failed (naming the failed runs) when any failed, else cancelled. Returns the status.
 */
export async function settleSweep(sweepId: string, client: PrismaClient = getPrisma()): Promise<string> {
  const runs = await client.run.findMany({
    where: { sweepId },
    select: { id: true, status: true, fraction: true, share: true, seed: true, error: true },
    orderBy: [{ fraction: 'asc' }, { share: 'asc' }, { seed: 'asc' }],
  });
  const sweep = await client.sweep.findUniqueOrThrow({ where: { id: sweepId }, select: { status: true } });
  if (runs.length === 0 || runs.some((r) => r.status === 'queued' || r.status === 'running')) {
    return sweep.status;
  }
  const failed = runs.filter((r) => r.status === 'failed');
  const status =
    failed.length > 0 ? 'failed' : runs.every((r) => r.status === 'succeeded') ? 'succeeded' : 'cancelled';
  const error =
    failed.length > 0
      ? `${failed.length} of ${runs.length} runs failed: ${failed
          .map((r) => `run ${r.id} (${cellLabel(r)})${r.error ? `: ${r.error}` : ''}`)
          .join('; ')}`
      : null;
  await client.sweep.update({ where: { id: sweepId }, data: { status, error, finishedAt: new Date() } });
  return status;
}

/**
 * Marks a sweep's launch: queued → running. Returns false when the sweep was cancelled before its
 * runs were created (it is then marked cancelled and its launch creates nothing).
 */
export async function markSweepLaunched(
  sweepId: string,
  client: PrismaClient = getPrisma(),
): Promise<boolean> {
  const sweep = await client.sweep.findUnique({ where: { id: sweepId }, select: { cancelRequested: true } });
  if (!sweep) return true; // the launch itself names the missing sweep
  if (sweep.cancelRequested) {
    await client.sweep.updateMany({
      where: { id: sweepId, status: { in: ['queued', 'running'] } },
      data: { status: 'cancelled', finishedAt: new Date() },
    });
    return false;
  }
  await client.sweep.updateMany({ where: { id: sweepId, status: 'queued' }, data: { status: 'running' } });
  return true;
}

/**
 * Sets a sweep's cancel flag (its launch creates no more runs) and returns the ids of its runs that
 * are still queued or running, for the producer to cancel one by one.
 */
export async function requestSweepCancel(
  sweepId: string,
  client: PrismaClient = getPrisma(),
): Promise<string[]> {
  const sweep = await client.sweep.findUnique({ where: { id: sweepId }, select: { id: true } });
  if (!sweep) throw new Error(`Sweep ${sweepId} does not exist`);
  await client.sweep.update({ where: { id: sweepId }, data: { cancelRequested: true } });
  const open = await client.run.findMany({
    where: { sweepId, status: { in: ['queued', 'running'] } },
    select: { id: true },
  });
  return open.map((r) => r.id);
}

export async function appendRunLog(
  runId: string,
  message: string,
  level: 'debug' | 'info' | 'warn' | 'error' = 'info',
  client: PrismaClient = getPrisma(),
): Promise<void> {
  await client.runLog.create({ data: { runId, message, level } });
}
