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
}

export interface TProcessorContext {
  job: TJobLike;
  workerId: string;
  backend: string;
  /** 1-based attempt number (a retried job after a crash has attempt > 1). */
  attempt: number;
  /** Throws CancelledError when the run's cancel flag is set: call it between steps/batches. */
  throwIfCancelled(): Promise<void>;
}

export interface TProcessorDefinition<N extends TJobName = TJobName> {
  name: N;
  schema: z.ZodType<TJobPayload<N>>;
  handle(payload: TJobPayload<N>, context: TProcessorContext): Promise<unknown>;
}

/** Typed constructor so each processor file infers its payload from the job name. */
export function defineProcessor<N extends TJobName>(
  definition: TProcessorDefinition<N>,
): TProcessorDefinition<N> {
  return definition;
}
