import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ZCoreEnv } from '@tunelab/core/env';
import { z } from 'zod';

/** Repository root (packages/db/src -> ../../..). Defaults below are relative to it. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const ZPositiveNumber = z.coerce.number().positive();

/**
 * Every environment variable TuneLab reads (the core's own, TUNELAB_BACKEND, included); README
 * "Configuration" lists the same. Nothing else reads process.env for configuration.
 */
export const ZEnv = ZCoreEnv.extend({
  DATABASE_URL: z.string().min(1).optional(),
  REDIS_URL: z.string().min(1).default('redis://127.0.0.1:6379'),
  TUNELAB_REDIS_PREFIX: z.string().min(1).default('tunelab'),
  /** The state folder (`npm start`): embedded PostgreSQL, Redis, and the generated `secret-key`. */
  TUNELAB_STATE_DIR: z.string().min(1).default(path.join(REPO_ROOT, '.tunelab')),
  /** Seals Connection API keys (AES-256-GCM); unset: `secret-key` in the state folder, made on first use. */
  TUNELAB_SECRET_KEY: z.string().min(32, 'use at least 32 characters (openssl rand -hex 32)').optional(),
  /** Comma-separated earlier TUNELAB_SECRET_KEY values: still open keys sealed with them (rotation). */
  TUNELAB_SECRET_KEYS_PREVIOUS: z.string().optional(),
  TUNELAB_ARTIFACTS_DIR: z.string().min(1).default(path.join(REPO_ROOT, '.tunelab/artifacts')),
  TUNELAB_MAX_UPLOAD_MB: ZPositiveNumber.default(200),
  /** Most space inspected dataset uploads (waiting to become datasets) may take together, MB. */
  TUNELAB_UPLOADS_QUOTA_MB: ZPositiveNumber.default(2048),
  TUNELAB_WORKER_CONCURRENCY: z.coerce.number().int().positive().default(1),
  TUNELAB_HEARTBEAT_MS: z.coerce.number().int().positive().default(5000),
  /** How stale a run's cancel flag may be when a processor asks (ms); 0 checks on every call (tests). */
  TUNELAB_CANCEL_CHECK_MS: z.coerce.number().int().min(0).default(1000),
  /** How long a worker waits for an unreachable PostgreSQL or Redis before a job's write gives up (ms). */
  TUNELAB_INFRA_WAIT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 60_000),
  /** First wait between tries while PostgreSQL or Redis is unreachable (ms; doubles up to 10 s). */
  TUNELAB_INFRA_BACKOFF_MS: z.coerce.number().int().positive().default(500),
  /** How often a worker re-checks that every queued or running run has its job (ms; 0 = only at start). */
  TUNELAB_RECONCILE_MS: z.coerce.number().int().min(0).default(60_000),
  /** `smoke`: the demo workspace pretrains and fine-tunes for seconds, not minutes (browser tests). */
  TUNELAB_DEMO_SCALE: z.enum(['full', 'smoke']).default('full'),
  /** First backoff (ms) before retrying a generation request that got 429 or 5xx; doubles each retry. */
  TUNELAB_GENERATION_BACKOFF_MS: z.coerce.number().int().min(0).default(1000),
  /** Set by the worker runtime for its sandboxed children: the parent's id and tfjs backend. */
  TUNELAB_WORKER_ID: z.string().min(1).optional(),
  TUNELAB_WORKER_BACKEND: z.string().min(1).optional(),
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
