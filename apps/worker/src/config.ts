import os from 'node:os';
import { readEnv } from '@tunelab/db';

export interface TWorkerConfig {
  redisUrl: string;
  prefix: string;
  /** Jobs of the compute queue run at once (each in its own child process). */
  computeConcurrency: number;
  /** Quick in-process jobs (dataset profiles, sweep launches). */
  controlConcurrency: number;
  heartbeatMs: number;
  workerId: string;
}

export function readWorkerConfig(): TWorkerConfig {
  const env = readEnv();
  return {
    redisUrl: env.REDIS_URL,
    prefix: env.TUNELAB_REDIS_PREFIX,
    computeConcurrency: env.TUNELAB_WORKER_CONCURRENCY,
    controlConcurrency: 4,
    heartbeatMs: env.TUNELAB_HEARTBEAT_MS,
    workerId: `${os.hostname()}:${process.pid}`,
  };
}
