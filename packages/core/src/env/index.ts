// The environment variables the pure core reads. @tunelab/db's env module extends this schema with
// the servers' variables, so the whole set is parsed in one place (README "Configuration").
import { z } from 'zod';

export const ZCoreEnv = z.object({
  /** Forces a tfjs backend (one of BACKEND_NAMES in @tunelab/core/backend); unset or empty = the best available. */
  TUNELAB_BACKEND: z
    .string()
    .optional()
    .transform((value) => (value === '' ? undefined : value)),
  /** Data-parallel training threads per run (default: the cores ÷ TUNELAB_WORKER_CONCURRENCY; see runThreads). */
  TUNELAB_THREADS: z.coerce.number().int().positive().optional(),
  /** `tunelab generate`: the endpoint's API key (or --key-file); never a command-line flag. */
  TUNELAB_LLM_API_KEY: z
    .string()
    .optional()
    .transform((value) => (value === '' ? undefined : value)),
  /** Fault drills only: how long the PostgreSQL-down drill keeps its database away (seconds). */
  TUNELAB_DRILL_PG_DOWN_S: z.coerce.number().positive().default(5),
  /** Browser tests and benches: the Chromium that playwright-core drives (Debian's by default). */
  TUNELAB_CHROMIUM: z.string().min(1).default('/usr/bin/chromium'),
  /** Bench `dashboard-under-load` only: how many clients fetch the dashboard at once. */
  TUNELAB_BENCH_LOAD_CLIENTS: z.coerce.number().int().positive().default(20),
  /** Bench `dashboard-under-load` only: how long the load (and the quiet window before it) lasts, seconds. */
  TUNELAB_BENCH_LOAD_SECONDS: z.coerce.number().positive().default(30),
});
export type TCoreEnv = z.infer<typeof ZCoreEnv>;

/** Parses the core's variables; throws naming the bad variable. */
export function readCoreEnv(source: NodeJS.ProcessEnv = process.env): TCoreEnv {
  const result = ZCoreEnv.safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`Invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  return result.data;
}
