// The worker runtime's one owner of a Run's status. Processors do their work and return a result
// (with an optional `summary`); this file alone moves the Run queued → running → succeeded |
// failed (after the last attempt) | cancelled, through the db lifecycle helpers. A processor that
// returns `{ awaitChildren: true }` (a cross-validation parent that queued its folds) leaves its Run
// running; it settles (settleParentRun) when its last child run ends.
import { InputError } from '@tunelab/core/errors';
import { CancelledError, type TJobName } from '@tunelab/core/jobs';
import {
  appendRunLog,
  FINISHED_RUN_STATUSES,
  finishRun,
  getPrisma,
  isCancelRequested,
  markRunRetrying,
  markRunRunning,
  markSweepLaunched,
  readEnv,
  setRunProgress,
  settleParentRun,
} from '@tunelab/db';
import { UnrecoverableError } from 'bullmq';
import type { TJobLike, TProcessorContext, TProcessorDefinition } from './types.ts';

export type TProcessorTable = ReadonlyMap<string, TProcessorDefinition<TJobName>>;

export function buildProcessorTable(definitions: readonly TProcessorDefinition<TJobName>[]): TProcessorTable {
  const table = new Map<string, TProcessorDefinition<TJobName>>();
  for (const definition of definitions) {
    if (table.has(definition.name)) throw new Error(`Two processors registered for job ${definition.name}`);
    table.set(definition.name, definition);
  }
  return table;
}

export interface TRunJobContext {
  workerId: string;
  backend: string;
}

/** Progress writes at most this often (ms); the last one (1) is always written. */
const PROGRESS_EVERY_MS = 1_000;

/**
 * Errors that fail the same way on every attempt: BullMQ's own UnrecoverableError and the core's
 * InputError family (bad config, file, model, parameters). Chosen by class, never by message.
 */
export function isUnrecoverable(error: unknown): boolean {
  return error instanceof UnrecoverableError || error instanceof InputError;
}

function isCancelled(error: unknown): boolean {
  return error instanceof CancelledError || (error as Error | undefined)?.name === 'CancelledError';
}

/** The summary a handler returned (`{ summary: {...} }`), stored on the Run when it succeeds. */
function summaryOf(result: unknown): object | undefined {
  const summary = (result as { summary?: unknown } | null | undefined)?.summary;
  return summary && typeof summary === 'object' ? summary : undefined;
}

/** The context's cancel check: reads the flag at most every TUNELAB_CANCEL_CHECK_MS (0 = always). */
function cancelCheck(runId: string | null): () => Promise<void> {
  let checkedAt = Number.NEGATIVE_INFINITY;
  let cancelled = false;
  return async () => {
    if (!runId) return;
    const every = readEnv().TUNELAB_CANCEL_CHECK_MS;
    if (!cancelled && Date.now() - checkedAt >= every) {
      checkedAt = Date.now();
      cancelled = await isCancelRequested(runId);
    }
    if (cancelled) throw new CancelledError(runId);
  };
}

/**
 * The context's progress writer: throttled, never after the run has finished, and never rejecting
 * (progress is advisory: a failed write must not fail the job, so sync callbacks may `void` it).
 */
function progressWriter(runId: string | null, job: TJobLike): TProcessorContext['progress'] {
  let writtenAt = Number.NEGATIVE_INFINITY;
  return async (fraction, etaSeconds = null) => {
    const now = Date.now();
    if (fraction < 1 && now - writtenAt < PROGRESS_EVERY_MS) return;
    writtenAt = now;
    try {
      await job.updateProgress(fraction);
      if (runId) await setRunProgress(runId, fraction, etaSeconds);
    } catch (error) {
      console.error(`[worker:progress ${runId ?? job.id}] ${(error as Error).message}`);
    }
  };
}

/**
 * Runs one job: finds its processor, parses the payload with the processor's schema (a bad payload
 * can never succeed, so it is an UnrecoverableError and is not retried), and, for payloads with a
 * runId, keeps the Run row's lifecycle: running on start (counting the attempt), succeeded with the
 * handler's summary, cancelled on CancelledError, failed after the last attempt or on an
 * unrecoverable error, and back to queued while BullMQ still has attempts left.
 */
export async function runJob(
  job: TJobLike,
  table: TProcessorTable,
  context: TRunJobContext,
): Promise<unknown> {
  const definition = table.get(job.name);
  if (!definition) throw new UnrecoverableError(`No processor for job "${job.name}" (id ${job.id})`);
  const parsed = definition.schema.safeParse(job.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(payload)';
    throw new UnrecoverableError(
      `Invalid payload for job ${job.name} (id ${job.id}): ${where}: ${issue?.message}`,
    );
  }
  const payload = parsed.data;
  const runId =
    typeof (payload as { runId?: unknown }).runId === 'string' ? (payload as { runId: string }).runId : null;
  const attempt = job.attemptsMade + 1;
  const processorContext: TProcessorContext = {
    job,
    workerId: context.workerId,
    backend: context.backend,
    attempt,
    throwIfCancelled: cancelCheck(runId),
    progress: progressWriter(runId, job),
    log: async (message, level = 'info') => {
      if (runId) await appendRunLog(runId, message, level);
      else await job.log(`${level} ${message}`);
    },
  };

  if (!runId) {
    // A sweep's launch: the sweep goes running, or cancelled when it was cancelled before launching.
    const sweepId = (payload as { sweepId?: unknown }).sweepId;
    if (typeof sweepId === 'string' && !(await markSweepLaunched(sweepId)))
      return { sweepId, cancelled: true };
    try {
      return await definition.handle(payload, processorContext);
    } catch (error) {
      throw isUnrecoverable(error) && !(error instanceof UnrecoverableError)
        ? new UnrecoverableError((error as Error).message)
        : error;
    }
  }

  const run = await getPrisma().run.findUnique({ where: { id: runId }, select: { status: true } });
  if (!run) throw new UnrecoverableError(`Run ${runId} does not exist (job ${job.name}, id ${job.id})`);
  // A stale job of a finished run (a duplicate, or a crash after the run finished): nothing to do.
  if ((FINISHED_RUN_STATUSES as readonly string[]).includes(run.status)) {
    return { runId, status: run.status, skipped: true };
  }
  // Cancelled while waiting (or between a crash and its retry): do not start.
  if (await isCancelRequested(runId)) {
    await finishRun(runId, 'cancelled');
    return { cancelled: true };
  }
  await markRunRunning(runId, { ...context, attempt });
  if (attempt > 1) await appendRunLog(runId, `attempt ${attempt} started on ${context.workerId}`, 'warn');
  try {
    const result = await definition.handle(payload, processorContext);
    if ((result as { awaitChildren?: unknown } | null)?.awaitChildren === true) {
      // A parent (cross-validation) stays running: it settles when its last child run ends.
      const status = await settleParentRun(runId);
      return { ...(result as object), runId, status };
    }
    const summary = summaryOf(result);
    await finishRun(runId, 'succeeded', summary ? { summary } : {});
    // The job's return value (kept by BullMQ) says the status the runtime wrote.
    return { ...(result && typeof result === 'object' ? result : {}), runId, status: 'succeeded' };
  } catch (error) {
    if (isCancelled(error)) {
      await finishRun(runId, 'cancelled');
      await appendRunLog(runId, `cancelled on ${context.workerId}`);
      return { cancelled: true };
    }
    const message = error instanceof Error ? error.message : String(error);
    const unrecoverable = isUnrecoverable(error);
    const final = unrecoverable || attempt >= (job.opts.attempts ?? 1);
    await appendRunLog(runId, `attempt ${attempt} failed: ${message}`, 'error').catch(() => undefined);
    if (final) await finishRun(runId, 'failed', { error: message });
    else await markRunRetrying(runId, message);
    throw unrecoverable && !(error instanceof UnrecoverableError) ? new UnrecoverableError(message) : error;
  }
}
