import { z } from 'zod';

/** A worker counts as alive when its last heartbeat is younger than this. */
export const WORKER_ALIVE_SECONDS = 30;

export const ZWorkerStatus = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number().nullable(),
  backend: z.string(),
  alive: z.boolean(),
  secondsAgo: z.number(),
});
export type TWorkerStatus = z.infer<typeof ZWorkerStatus>;
