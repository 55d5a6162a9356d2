import { CancelledError, type TJobName } from '@tunelab/core/jobs';
import { appendRunLog, finishRun, isCancelRequested, markRunRetrying, markRunRunning } from '@tunelab/db';
import { UnrecoverableError } from 'bullmq';
import type { TJobLike, TProcessorDefinition } from './types.ts';

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

/**
 * Runs one job: finds its processor, parses the payload with the processor's schema (a bad payload
 * can never succeed, so it is an UnrecoverableError and is not retried), and, for payloads with a
 * runId, keeps the Run row's lifecycle: running on start, succeeded/cancelled/failed at the end, and
 * back to queued while BullMQ still has attempts left.
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
  const throwIfCancelled = async () => {
    if (runId && (await isCancelRequested(runId))) throw new CancelledError(runId);
  };
  const processorContext = {
    job,
    workerId: context.workerId,
    backend: context.backend,
    attempt,
    throwIfCancelled,
  };

  if (!runId) return definition.handle(payload, processorContext);

  // Cancelled while waiting (or between a crash and its retry): do not start.
  if (await isCancelRequested(runId)) {
    await finishRun(runId, 'cancelled');
    return { cancelled: true };
  }
  await markRunRunning(runId, context);
  if (attempt > 1) await appendRunLog(runId, `attempt ${attempt} started on ${context.workerId}`, 'warn');
  try {
    const result = await definition.handle(payload, processorContext);
    await finishRun(runId, 'succeeded');
    return result;
  } catch (error) {
    if (error instanceof CancelledError || (error as Error)?.name === 'CancelledError') {
      await finishRun(runId, 'cancelled');
      await appendRunLog(runId, `cancelled on ${context.workerId}`);
      return { cancelled: true };
    }
    const message = error instanceof Error ? error.message : String(error);
    const final = error instanceof UnrecoverableError || attempt >= (job.opts.attempts ?? 1);
    await appendRunLog(runId, `attempt ${attempt} failed: ${message}`, 'error').catch(() => undefined);
    if (final) await finishRun(runId, 'failed', { error: message });
    else await markRunRetrying(runId, message);
    throw error;
  }
}
