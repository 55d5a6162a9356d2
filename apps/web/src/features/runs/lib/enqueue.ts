// Thin adapter between the dashboard features and the job queue. Swaps to the shared web producer
// (apps/web/src/server) once it lands; until then it owns one Queue per queue name per process.
import {
  DEFAULT_JOB_OPTIONS,
  JOB_QUEUE,
  jobIdFor,
  type TJobName,
  type TJobPayload,
} from '@tunelab/core/jobs';
import { queuePrefix, readEnv } from '@tunelab/db';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

const holder = globalThis as typeof globalThis & { __tunelabDashQueues?: Map<string, Queue> };

function queueFor(name: string): Queue {
  holder.__tunelabDashQueues ??= new Map();
  let q = holder.__tunelabDashQueues.get(name);
  if (!q) {
    // producers fail fast: a web request must not hang while Redis is away
    const connection = new Redis(readEnv().REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
    connection.on('error', (e) => console.error('[web:queue] redis error', e.message));
    q = new Queue(name, { connection, prefix: queuePrefix() });
    q.on('error', (e) => console.error('[web:queue] queue error', e.message));
    holder.__tunelabDashQueues.set(name, q);
  }
  return q;
}

export async function enqueueJob<N extends TJobName>(
  name: N,
  payload: TJobPayload<N>,
  jobId: string = jobIdFor(name, payload),
): Promise<string> {
  const q = queueFor(JOB_QUEUE[name]);
  await waitReady(q);
  await q.add(name, payload, { ...DEFAULT_JOB_OPTIONS, jobId });
  return jobId;
}

/** Removes a waiting job (cancel before start); a running job sees cancelRequested instead. */
export async function removeQueuedJob(name: TJobName, jobId: string): Promise<boolean> {
  const q = queueFor(JOB_QUEUE[name]);
  await waitReady(q);
  const job = await q.getJob(jobId);
  if (!job) return false;
  const state = await job.getState();
  if (state === 'waiting' || state === 'delayed' || state === 'prioritized') {
    await job.remove();
    return true;
  }
  return false;
}

/** 1-based position among waiting jobs of the queue, or null when the job is not waiting. */
export async function queuePosition(name: TJobName, jobId: string): Promise<number | null> {
  const q = queueFor(JOB_QUEUE[name]);
  await waitReady(q);
  const waiting = await q.getJobs(['prioritized', 'waiting'], 0, 500, true);
  const i = waiting.findIndex((j) => j.id === jobId);
  return i < 0 ? null : i + 1;
}

async function waitReady(q: Queue): Promise<void> {
  try {
    await q.waitUntilReady();
  } catch (e) {
    throw new Error(
      `Redis is not reachable at ${readEnv().REDIS_URL}: ${e instanceof Error ? e.message : e}`,
    );
  }
}
