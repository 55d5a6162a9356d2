import { runThreads } from '@tunelab/core/train';
import { readEnv } from '@tunelab/db';

/** Data-parallel threads for a run in this worker: TUNELAB_THREADS, else the cores ÷ the worker's concurrency. */
export function threadsForRun(backend: string): number {
  const env = readEnv();
  return runThreads({ requested: env.TUNELAB_THREADS, concurrency: env.TUNELAB_WORKER_CONCURRENCY, backend });
}
