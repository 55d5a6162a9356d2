import os from 'node:os';
import { readEnv } from '@tunelab/db';
import type { TRunJobContext } from '../processors/run-job.ts';

let backend: string | undefined;

/** Worker identity inside a sandbox child: the parent's id is passed through the environment. */
export async function sandboxContext(): Promise<TRunJobContext> {
  // The parent already asked tfjs; re-detecting would load tfjs twice for nothing.
  const env = readEnv();
  backend ??= env.TUNELAB_WORKER_BACKEND ?? (await detectBackend());
  return {
    workerId: env.TUNELAB_WORKER_ID ?? `${os.hostname()}:${process.ppid}`,
    backend,
  };
}

/**
 * Asks @tunelab/core/backend which tfjs backend this machine gets (TUNELAB_BACKEND forces one).
 * Loaded lazily: a failure to initialise tfjs must not stop dataset jobs.
 */
export async function detectBackend(): Promise<string> {
  try {
    const { initBackend } = await import('@tunelab/core/backend');
    return await initBackend(undefined, () => undefined);
  } catch {
    return readEnv().TUNELAB_BACKEND ?? 'unknown';
  }
}
