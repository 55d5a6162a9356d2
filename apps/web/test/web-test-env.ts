import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PrismaClient } from '@tunelab/db';
import type { TTestDatabase } from '@tunelab/db/testing';
import { createJobsTestStore, type TJobsTestStore } from '@tunelab/jobs/testing';
import { startWorkerRuntime, type TWorkerRuntime } from '../../worker/src/runtime.ts';

export interface TWebTestEnv {
  db: TTestDatabase;
  prisma: PrismaClient;
  prefix: string;
  artifacts: string;
  worker: TWorkerRuntime;
  /** The id the in-process worker reports in its heartbeat. */
  workerId: string;
  store: TJobsTestStore;
}

const redisUrl = () => process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The stack behind the web app's route handlers, for integration tests: a fresh database, Redis key
 * prefix and artifact folder (set in the process env, which the handlers read) and a worker runtime
 * in this process. `computeProcessorFile: null` runs no compute jobs (upload tests need only the
 * in-process control queue); by default compute jobs run sandboxed as in production.
 */
export async function createWebTestEnv(
  label: string,
  options: { env?: Record<string, string>; computeProcessorFile?: null } = {},
): Promise<TWebTestEnv> {
  const artifacts = await mkdtemp(path.join(os.tmpdir(), `tunelab-${label}-`));
  const store = await createJobsTestStore(`web-${label}`, {
    TUNELAB_ARTIFACTS_DIR: artifacts,
    // The installation's secret-key (sealing Connection keys) is made here, not in .tunelab.
    TUNELAB_STATE_DIR: artifacts,
    ...options.env,
  });
  const { db, prisma, prefix } = store;
  const workerId = `web-${label}-${prefix}`;
  const worker = await startWorkerRuntime({
    config: {
      redisUrl: redisUrl(),
      prefix,
      computeConcurrency: 1,
      controlConcurrency: 1,
      heartbeatMs: 60_000,
      workerId,
    },
    backend: 'test',
    ...(options.computeProcessorFile === null ? { computeProcessorFile: null } : {}),
    log: { info: () => undefined, error: () => undefined },
  });
  return { db, prisma, prefix, artifacts, worker, workerId, store };
}

/** Stops the worker and the web producer, then removes the database, Redis keys and artifacts. */
export async function destroyWebTestEnv(env: TWebTestEnv | undefined): Promise<void> {
  if (!env) return;
  await env.worker.close();
  await env.store.cleanup();
  await rm(env.artifacts, { recursive: true, force: true });
}

/** A JSON POST request for calling a route handler directly. */
export const postJson = (url: string, body: unknown): Request =>
  new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/**
 * Polls `read` until `done` holds and returns that value; throws naming `what` after `timeoutMs`
 * (by default a little under the 180 s the slowest route tests allow themselves).
 */
export async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what = 'the condition',
  timeoutMs = 150_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
