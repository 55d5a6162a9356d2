// Entry file of the sandboxed compute processors: BullMQ forks a child process per concurrent job
// slot and loads this file there (the worker runs under `node --import tsx`, and forked children
// inherit execArgv, so TypeScript loads directly). A training step can then block its own event
// loop for seconds while the parent process keeps renewing the job lock.
import type { SandboxedJob } from 'bullmq';
import { PROCESSOR_TABLE } from '../processors/registry.ts';
import { runJob } from '../processors/run-job.ts';
import { sandboxContext } from './context.ts';

export default async function computeProcessor(
  job: SandboxedJob,
  token?: string,
  signal?: AbortSignal,
): Promise<unknown> {
  return runJob(job, PROCESSOR_TABLE, { ...(await sandboxContext()), token, signal });
}
