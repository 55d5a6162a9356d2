// The web app's queue producer: one fail-fast Redis connection and one Queue per queue name per
// process, kept on globalThis so dev-mode reloads do not leak connections.
import {
  DEFAULT_JOB_OPTIONS,
  JOB_QUEUE,
  jobIdFor,
  type TJobName,
  type TJobPayload,
} from '@tunelab/core/jobs';
import { finishRun, getPrisma, queuePrefix, readEnv, requestRunCancel } from '@tunelab/db';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

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
    s.connection.on('error', (error) => console.error(`[web:redis] ${error.message}`));
  }
  return s.connection;
}

export function getQueue(name: string): Queue {
  const s = state();
  let queue = s.queues.get(name);
  if (!queue) {
    queue = new Queue(name, { connection: producerConnection(), prefix: queuePrefix() });
    queue.on('error', (error) => console.error(`[web:queue:${name}] ${error.message}`));
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

/** Enqueues a job with the shared defaults; the id is deterministic so a double submit is a no-op. */
export async function enqueueJob<N extends TJobName>(
  name: N,
  payload: TJobPayload<N>,
  jobId: string = jobIdFor(name, payload),
): Promise<string> {
  const queue = await readyQueue(name);
  await queue.add(name, payload, { ...DEFAULT_JOB_OPTIONS, jobId });
  return jobId;
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

/**
 * Cancels a run: sets its cancel flag (a running processor stops at its next step) and, when its
 * job is still waiting, removes the job and marks the run cancelled right away.
 */
export async function cancelRun(runId: string): Promise<{ status: string }> {
  const prisma = getPrisma();
  const flagged = await requestRunCancel(runId);
  const run = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
  if (!flagged) return { status: run.status };
  const jobName = RUN_JOB[run.kind];
  const jobId =
    run.queueJobId ?? (jobName ? jobIdFor(jobName, { runId } as TJobPayload<typeof jobName>) : null);
  let jobExists = false;
  if (jobName && jobId) {
    if (await removeQueuedJob(jobName, jobId).catch(() => false)) {
      await finishRun(runId, 'cancelled');
      return { status: 'cancelled' };
    }
    jobExists = Boolean(await (await readyQueue(jobName)).getJob(jobId).catch(() => null));
  }
  // Queued with no job left to pick it up: nothing else would ever finish it.
  if (run.status === 'queued' && !jobExists) {
    await finishRun(runId, 'cancelled');
    return { status: 'cancelled' };
  }
  return { status: run.status };
}

const RUN_JOB: Partial<Record<string, TJobName>> = {
  train: 'run.train',
  pretrain: 'run.pretrain',
  evaluate: 'run.evaluate',
};

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

/** 1-based position among the waiting jobs of the job's queue, or null when it is not waiting. */
export async function queuePosition(name: TJobName, jobId: string): Promise<number | null> {
  const queue = await readyQueue(name);
  const waiting = await queue.getJobs(['prioritized', 'waiting'], 0, 500, true);
  const index = waiting.findIndex((job) => job.id === jobId);
  return index < 0 ? null : index + 1;
}
