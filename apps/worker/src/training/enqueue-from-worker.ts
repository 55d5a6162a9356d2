import {
  DEFAULT_JOB_OPTIONS,
  JOB_QUEUE,
  jobIdFor,
  type TJobName,
  type TJobPayload,
} from '@tunelab/core/jobs';
import { queuePrefix, readEnv } from '@tunelab/db';
import { Queue } from 'bullmq';
import { createRedisConnection } from '../connections.ts';

/**
 * Enqueues jobs from inside a processor (pretrain follow-up runs, sweep children). A short-lived
 * producer connection: processors run in sandboxed children that own no queue of their own.
 */
export async function enqueueFromWorker<N extends TJobName>(
  jobs: { name: N; payload: TJobPayload<N> }[],
): Promise<string[]> {
  const connection = createRedisConnection(readEnv().REDIS_URL, 'producer');
  const queues = new Map<string, Queue>();
  try {
    const ids: string[] = [];
    for (const { name, payload } of jobs) {
      const qName = JOB_QUEUE[name];
      let q = queues.get(qName);
      if (!q) {
        q = new Queue(qName, { connection, prefix: queuePrefix() });
        await q.waitUntilReady();
        queues.set(qName, q);
      }
      const jobId = jobIdFor(name, payload);
      await q.add(name, payload, { ...DEFAULT_JOB_OPTIONS, jobId });
      ids.push(jobId);
    }
    return ids;
  } finally {
    for (const q of queues.values()) await q.close();
    await connection.quit().catch(() => undefined);
  }
}
