// The dashboard's view of the job queue: the shared web producer (src/server/queue.ts) plus the
// queue position of a waiting job. Relative imports so scripts/demo.ts can load it with tsx.
import { JOB_QUEUE, type TJobName } from '@tunelab/core/jobs';
import { getQueue } from '../../../server/queue.ts';

export { cancelRun as cancelRunJob, enqueueJob, removeQueuedJob } from '../../../server/queue.ts';

/** 1-based position among the jobs waiting in the run's queue, or null when it is not waiting. */
export async function queuePosition(name: TJobName, jobId: string): Promise<number | null> {
  const q = getQueue(JOB_QUEUE[name]);
  const waiting = await q.getJobs(['prioritized', 'waiting'], 0, 500, true);
  const i = waiting.findIndex((j) => j.id === jobId);
  return i < 0 ? null : i + 1;
}
