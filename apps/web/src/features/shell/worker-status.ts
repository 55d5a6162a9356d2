import { z } from 'zod';

/** A worker counts as alive when its last heartbeat is younger than this. */
export const WORKER_ALIVE_SECONDS = 30;

export const ZWorkerStatus = z.object({
  id: z.string(),
  host: z.string(),
  pid: z.number().nullable(),
  backend: z.string(),
  /** Backend facts from the heartbeat: "wasm + OpenBLAS×1 · 2 cores", engines that load; null before they were reported. */
  engine: z
    .object({
      line: z.string(),
      engines: z.array(z.object({ name: z.string(), loads: z.boolean(), detail: z.string() })),
    })
    .nullable(),
  alive: z.boolean(),
  secondsAgo: z.number(),
});
export type TWorkerStatus = z.infer<typeof ZWorkerStatus>;
