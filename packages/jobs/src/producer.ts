// The one queue producer, for the web app and the worker alike: one fail-fast Redis connection and
// one Queue per queue name per process, kept on globalThis so Next.js dev reloads do not leak them.
import { queuePrefix, readEnv } from '@tunelab/db';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  DEFAULT_JOB_OPTIONS,
  JOB_QUEUE,
  jobIdFor,
  parseJobPayload,
  type TJobName,
  type TJobPayload,
} from './constants.ts';

interface TProducerState {
  connection?: Redis;
  queues: Map<string, Queue>;
}

const holder = globalThis as typeof globalThis & { __tunelabProducer?: TProducerState };

function state(): TProducerState {
  holder.__tunelabProducer ??= { queues: new Map() };
  return holder.__tunelabProducer;
}

/** The producer connection: fails fast (a web request must not hang while Redis is away). */
export function producerConnection(): Redis {
  const s = state();
  if (!s.connection) {
    s.connection = new Redis(readEnv().REDIS_URL, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 3_000,
    });
    s.connection.on('error', (error) => console.error(`[jobs:redis] ${error.message}`));
  }
  return s.connection;
}

/** The Queue object of a queue name under this deployment's prefix. */
export function getQueue(name: string): Queue {
  const s = state();
  let queue = s.queues.get(name);
  if (!queue) {
    queue = new Queue(name, { connection: producerConnection(), prefix: queuePrefix() });
    queue.on('error', (error) => console.error(`[jobs:queue:${name}] ${error.message}`));
    s.queues.set(name, queue);
  }
  return queue;
}

async function readyQueue(name: TJobName): Promise<Queue> {
  const queue = getQueue(JOB_QUEUE[name]);
  try {
    await queue.waitUntilReady();
  } catch (error) {
    throw new Error(`Redis is not reachable at ${readEnv().REDIS_URL}: ${(error as Error).message}`);
  }
  return queue;
}

/**
 * Enqueues a job with the shared defaults. The payload is parsed with the job's schema first, so a
 * bad payload never reaches Redis (the error names the job and the field). The id is derived from
 * the payload, so a double submit is a no-op; pass `jobId` to queue the same payload again (retries).
 */
export async function enqueueJob<N extends TJobName>(
  name: N,
  payload: TJobPayload<N>,
  jobId?: string,
): Promise<string> {
  const data = parseJobPayload(name, payload);
  const id = jobId ?? jobIdFor(name, data);
  const queue = await readyQueue(name);
  await queue.add(name, data, { ...DEFAULT_JOB_OPTIONS, jobId: id });
  return id;
}

/** Removes a job that has not started yet; false when it is running, finished or unknown. */
export async function removeQueuedJob(name: TJobName, jobId: string): Promise<boolean> {
  const queue = await readyQueue(name);
  const job = await queue.getJob(jobId);
  if (!job) return false;
  const jobState = await job.getState();
  if (jobState === 'waiting' || jobState === 'delayed' || jobState === 'prioritized') {
    await job.remove();
    return true;
  }
  return false;
}

/** Whether Redis still holds the job (waiting, active, delayed, or kept after finishing). */
export async function jobExists(name: TJobName, jobId: string): Promise<boolean> {
  return Boolean(await (await readyQueue(name)).getJob(jobId).catch(() => null));
}

/** 1-based position among the waiting jobs of the job's queue, or null when it is not waiting. */
export async function queuePosition(name: TJobName, jobId: string): Promise<number | null> {
  const queue = await readyQueue(name);
  const waiting = await queue.getJobs(['prioritized', 'waiting'], 0, 500, true);
  const index = waiting.findIndex((job) => job.id === jobId);
  return index < 0 ? null : index + 1;
}

/** For /api/health: a PING with a short timeout. */
export async function pingRedis(): Promise<void> {
  const connection = producerConnection();
  if (connection.status === 'wait') await connection.connect();
  if (connection.status !== 'ready') {
    // The producer has no offline queue: wait for the (re)connection instead of failing at once.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        connection.off('ready', onReady);
        reject(new Error(`not connected to ${readEnv().REDIS_URL} (${connection.status})`));
      }, 2_000);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      connection.once('ready', onReady);
    });
  }
  const reply = await Promise.race([
    connection.ping(),
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('PING timed out after 2 s')), 2_000).unref(),
    ),
  ]);
  if (reply !== 'PONG') throw new Error(`unexpected PING reply ${reply}`);
}

/** Closes this process's queues and producer connection (worker shutdown, tests); idempotent. */
export async function closeProducer(): Promise<void> {
  const s = holder.__tunelabProducer;
  if (!s) return;
  holder.__tunelabProducer = undefined;
  await Promise.allSettled([...s.queues.values()].map((queue) => queue.close()));
  await s.connection?.quit().catch(() => undefined);
}
