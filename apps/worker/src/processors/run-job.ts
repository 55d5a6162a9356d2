// The worker runtime's one owner of a Run's status. Processors do their work and return a result
// (with an optional `summary`); this file alone moves the Run queued → running → succeeded |
// failed (after the last attempt) | cancelled, through the db lifecycle helpers. A processor that
// returns `{ awaitChildren: true }` (a cross-validation parent that queued its folds) leaves its Run
// running; it settles (settleParentRun) when its last child run ends.
import { InputError } from '@tunelab/core/errors';
import { CancelledError, InterruptedError, SHUTDOWN_REASON, type TJobName } from '@tunelab/core/jobs';
import {
  appendRunLog,
  FINISHED_RUN_STATUSES,
  finishRun,
  getPrisma,
  isCancelRequested,
  isInfrastructureError,
  markRunRequeued,
  markRunRetrying,
  markRunRunning,
  markSweepLaunched,
  readEnv,
  retryOnInfrastructure,
  setRunProgress,
  settleParentRun,
} from '@tunelab/db';
import { DelayedError, UnrecoverableError, WaitingError } from 'bullmq';
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
  /** The job's lock token (BullMQ passes it to processors); needed to hand the job back. */
  token?: string;
  /** Aborted with SHUTDOWN_REASON when the worker shuts down (Worker.cancelAllJobs). */
  signal?: AbortSignal;
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

function isInterrupted(error: unknown): boolean {
  return error instanceof InterruptedError || (error as Error | undefined)?.name === 'InterruptedError';
}

/** Whether the worker asked this job to stop because it is shutting down. */
function shutdownRequested(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true && signal.reason === SHUTDOWN_REASON;
}

/** Lifecycle writes must land: while PostgreSQL is unreachable they wait (TUNELAB_INFRA_WAIT_MS). */
function durably<T>(what: string, fn: () => Promise<T>): Promise<T> {
  return retryOnInfrastructure(fn, { what, log: (line) => console.error(`[worker:runtime] ${line}`) });
}

/** The summary a handler returned (`{ summary: {...} }`), stored on the Run when it succeeds. */
function summaryOf(result: unknown): object | undefined {
  const summary = (result as { summary?: unknown } | null | undefined)?.summary;
  return summary && typeof summary === 'object' ? summary : undefined;
}

/**
 * The context's cancel check: reads the flag at most every TUNELAB_CANCEL_CHECK_MS (0 = always).
 * While the database is unreachable the last answer stands (the work goes on; metric writes are
 * buffered). Throws InterruptedError once the worker is shutting down.
 */
function cancelCheck(runId: string | null, signal: AbortSignal | undefined): () => Promise<void> {
  let checkedAt = Number.NEGATIVE_INFINITY;
  let cancelled = false;
  return async () => {
    if (!runId) return;
    if (shutdownRequested(signal)) throw new InterruptedError(runId);
    const every = readEnv().TUNELAB_CANCEL_CHECK_MS;
    if (!cancelled && Date.now() - checkedAt >= every) {
      checkedAt = Date.now();
      try {
        cancelled = await isCancelRequested(runId);
      } catch (error) {
        if (!isInfrastructureError(error)) throw error;
      }
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
    throwIfCancelled: cancelCheck(runId, context.signal),
    interruptRequested: () => shutdownRequested(context.signal),
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

  const run = await durably(`reading run ${runId}`, () =>
    getPrisma().run.findUnique({ where: { id: runId }, select: { status: true } }),
  );
  if (!run) throw new UnrecoverableError(`Run ${runId} does not exist (job ${job.name}, id ${job.id})`);
  // A stale job of a finished run (a duplicate, or a crash after the run finished): nothing to do.
  if ((FINISHED_RUN_STATUSES as readonly string[]).includes(run.status)) {
    return { runId, status: run.status, skipped: true };
  }
  // Cancelled while waiting (or between a crash and its retry): do not start.
  if (await durably(`reading run ${runId}`, () => isCancelRequested(runId))) {
    await durably(`recording run ${runId} cancelled`, () => finishRun(runId, 'cancelled'));
    return { cancelled: true };
  }
  await durably(`recording run ${runId} running`, () => markRunRunning(runId, { ...context, attempt }));
  if (attempt > 1)
    await appendRunLog(runId, `attempt ${attempt} started on ${context.workerId}`, 'warn').catch(
      () => undefined,
    );
  try {
    const result = await definition.handle(payload, processorContext);
    if ((result as { awaitChildren?: unknown } | null)?.awaitChildren === true) {
      // A parent (cross-validation) stays running: it settles when its last child run ends.
      const status = await settleParentRun(runId);
      return { ...(result as object), runId, status };
    }
    const summary = summaryOf(result);
    await durably(`recording run ${runId} succeeded`, () =>
      finishRun(runId, 'succeeded', summary ? { summary } : {}),
    );
    // The job's return value (kept by BullMQ) says the status the runtime wrote.
    return { ...(result && typeof result === 'object' ? result : {}), runId, status: 'succeeded' };
  } catch (error) {
    if (isCancelled(error)) {
      await durably(`recording run ${runId} cancelled`, () => finishRun(runId, 'cancelled'));
      await appendRunLog(runId, `cancelled on ${context.workerId}`).catch(() => undefined);
      return { cancelled: true };
    }
    if (isInterrupted(error) || (shutdownRequested(context.signal) && !isUnrecoverable(error))) {
      // Shutting down: the processor saved its checkpoint; hand the job back for another worker.
      await durably(`releasing run ${runId}`, () => markRunRequeued(runId));
      await appendRunLog(
        runId,
        `released by ${context.workerId} (shutting down); resumes from its checkpoint`,
        'warn',
      ).catch(() => undefined);
      if (!job.moveToWait) throw error;
      await job.moveToWait(context.token);
      throw new WaitingError();
    }
    const message = error instanceof Error ? error.message : String(error);
    if (isInfrastructureError(error) && job.moveToDelayed) {
      // The database or Redis went away under the processor: not the job's fault. Wait until the
      // database answers, then queue the job again without using up an attempt.
      await durably(`waiting for the database (run ${runId})`, () => getPrisma().$queryRaw`SELECT 1`);
      await durably(`requeueing run ${runId}`, () => markRunRequeued(runId));
      await appendRunLog(
        runId,
        `attempt ${attempt} paused: ${message}; queued again (attempt not counted)`,
        'warn',
      ).catch(() => undefined);
      await job.moveToDelayed(Date.now() + readEnv().TUNELAB_INFRA_BACKOFF_MS, context.token);
      throw new DelayedError();
    }
    const unrecoverable = isUnrecoverable(error);
    const final = unrecoverable || attempt >= (job.opts.attempts ?? 1);
    await appendRunLog(runId, `attempt ${attempt} failed: ${message}`, 'error').catch(() => undefined);
    if (final)
      await durably(`recording run ${runId} failed`, () => finishRun(runId, 'failed', { error: message }));
    else await durably(`recording run ${runId} retrying`, () => markRunRetrying(runId, message));
    throw unrecoverable && !(error instanceof UnrecoverableError) ? new UnrecoverableError(message) : error;
  }
}

/** BullMQ's error when a sandboxed child process exits during a job (it records nothing itself). */
const CHILD_EXIT = /^Unexpected exit code: (\S+) signal: (\S+)/;

const TIMES = ['', 'once', 'twice', 'three times', 'four times', 'five times'];

function childDeath(message: string): string | null {
  const match = CHILD_EXIT.exec(message);
  if (!match) return null;
  const [, code, signal] = match;
  if (signal && signal !== 'null') return `killed by ${signal}`;
  return `exited with code ${code}`;
}

/**
 * The parent's side of a job whose sandboxed process died (SIGKILL from the OOM killer, a crash in
 * native code): that process recorded nothing, so the runtime does, once BullMQ has failed the
 * attempt. Run goes back to queued while attempts are left, and to failed after the last one, with
 * the reason: "killed by SIGKILL three times: out of memory?". Returns what it recorded, or null.
 */
export async function recordLostAttempt(
  job: {
    name: string;
    data: unknown;
    attemptsMade: number;
    opts: { attempts?: number };
    stacktrace?: string[] | null;
  },
  error: Error,
): Promise<'failed' | 'retrying' | null> {
  const death = childDeath(error.message);
  const runId = (job.data as { runId?: unknown } | null)?.runId;
  if (!death || typeof runId !== 'string') return null;
  const attempt = job.attemptsMade;
  const final = attempt >= (job.opts.attempts ?? 1);
  const run = await durably(`reading run ${runId}`, () =>
    getPrisma().run.findUnique({ where: { id: runId }, select: { status: true, attempts: true } }),
  );
  // Recorded already (by the child before it died, or a later attempt has started): leave it.
  if (!run || (FINISHED_RUN_STATUSES as readonly string[]).includes(run.status) || run.attempts > attempt)
    return null;
  const deaths = (job.stacktrace ?? []).filter(
    (stack) => childDeath(stack.replace(/^Error: /, '')) === death,
  ).length;
  const times = Math.max(1, Math.min(deaths, attempt));
  const memory = death === 'killed by SIGKILL' ? ': out of memory?' : '';
  await appendRunLog(runId, `attempt ${attempt}: the job's process was ${death}`, 'error').catch(
    () => undefined,
  );
  if (final) {
    const reason = `${death} ${TIMES[times] ?? `${times} times`}${memory}`;
    await durably(`recording run ${runId} failed`, () => finishRun(runId, 'failed', { error: reason }));
    return 'failed';
  }
  await durably(`recording run ${runId} retrying`, () =>
    markRunRetrying(runId, `the job's process was ${death}${memory}`),
  );
  return 'retrying';
}
