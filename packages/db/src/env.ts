import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Repository root (packages/db/src -> ../../..). Defaults below are relative to it. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const ZPositiveNumber = z.coerce.number().positive();

/** Every environment variable TuneLab reads; README "Configuration" lists the same. */
export const ZEnv = z.object({
  DATABASE_URL: z.string().min(1).optional(),
  REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6379'),
  TUNELAB_REDIS_PREFIX: z.string().min(1).default('tunelab'),
  TUNELAB_ARTIFACTS_DIR: z.string().min(1).default(path.join(REPO_ROOT, '.tunelab/artifacts')),
  TUNELAB_MAX_UPLOAD_MB: ZPositiveNumber.default(200),
  TUNELAB_WORKER_CONCURRENCY: z.coerce.number().int().positive().default(1),
  TUNELAB_HEARTBEAT_MS: z.coerce.number().int().positive().default(5000),
  /** Data-parallel training threads per run (default: the cores ÷ TUNELAB_WORKER_CONCURRENCY). */
  TUNELAB_THREADS: z.coerce.number().int().positive().optional(),
});
export type TEnv = z.infer<typeof ZEnv>;

/** Parses process.env each call (tests change it between cases); throws naming the bad variable. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): TEnv {
  const result = ZEnv.safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`Invalid environment variable ${String(issue?.path[0])}: ${issue?.message}`);
  }
  return result.data;
}
