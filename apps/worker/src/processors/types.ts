import type { TJobName, TJobPayload } from '@tunelab/core/jobs';
import type { z } from 'zod';

/** What a handler may use of its BullMQ job; both Job and SandboxedJob provide it. */
export interface TJobLike {
  id?: string;
  name: string;
  data: unknown;
  attemptsMade: number;
  opts: { attempts?: number };
  updateProgress(progress: number | object): Promise<void>;
  log(row: string): unknown;
  /** Hands an active job back to the waiting list (a worker shutting down). */
  moveToWait?(token?: string): Promise<unknown>;
  /** Moves an active job to the delayed set until `timestamp` (without counting an attempt). */
  moveToDelayed?(timestamp: number, token?: string): Promise<unknown>;
}

export interface TProcessorContext {
  job: TJobLike;
  workerId: string;
  backend: string;
  /** 1-based attempt number (a retried job after a crash has attempt > 1). */
  attempt: number;
  /**
   * Throws CancelledError when the run's cancel flag is set: call it between units of work (steps,
   * tensors, models) and pass it down to core loops. Reads the flag at most every
   * TUNELAB_CANCEL_CHECK_MS, so calling it often is cheap.
   */
  throwIfCancelled(): Promise<void>;
  /**
   * True once the worker is shutting down (SIGTERM / SIGINT): a long processor saves a checkpoint at
   * its next step boundary and stops; throwIfCancelled then throws InterruptedError, and the runtime
   * hands the job back to the queue so another worker resumes it.
   */
  interruptRequested(): boolean;
  /** Records progress (0..1) and an ETA on the run (throttled; 1 is always written). */
  progress(fraction: number, etaSeconds?: number | null): Promise<void>;
  /** Appends a line to the run's log (the job's log for jobs without a run). */
  log(message: string, level?: 'debug' | 'info' | 'warn' | 'error'): Promise<void>;
}

/**
 * What a handler returns: anything, plus an optional `summary` that the runtime stores as the
 * Run's summary when it succeeds. Handlers never write a Run's status.
 */
export type TProcessorResult = { summary?: object } & Record<string, unknown>;

export interface TProcessorDefinition<N extends TJobName = TJobName> {
  name: N;
  schema: z.ZodType<TJobPayload<N>>;
  handle(payload: TJobPayload<N>, context: TProcessorContext): Promise<TProcessorResult | undefined>;
}

/** Typed constructor so each processor file infers its payload from the job name. */
export function defineProcessor<N extends TJobName>(
  definition: TProcessorDefinition<N>,
): TProcessorDefinition<N> {
  return definition;
}
