import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUEUE_NAMES, SHUTDOWN_REASON } from '@tunelab/core/jobs';
import { disconnectPrisma, readEnv } from '@tunelab/db';
import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { TWorkerConfig } from './config.ts';
import { createRedisConnection } from './connections.ts';
import { Heartbeat } from './heartbeat.ts';
import { PROCESSOR_TABLE } from './processors/registry.ts';
import { recordLostAttempt, runJob, type TProcessorTable } from './processors/run-job.ts';
import { startReconciler } from './reconcile.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface TWorkerRuntimeOptions {
  config: TWorkerConfig;
  backend: string;
  /** In-process processors for the control queue (tests pass their own). */
  table?: TProcessorTable;
  /** Sandboxed processor file for the compute queue; null runs no compute worker. */
  computeProcessorFile?: string | null;
  log?: Pick<Console, 'info' | 'error'>;
  /** Job lock of the compute queue (tests shorten it to prove sandboxing keeps it renewed). */
  computeLockMs?: number;
  /** Job lock of the control queue; a crashed worker's job is taken over after about this long. */
  controlLockMs?: number;
  /** How often to reconcile runs with their jobs (default TUNELAB_RECONCILE_MS; 0 = only at start). */
  reconcileMs?: number;
  /** Runs younger than this are not reconciled (default 10 s; drills shorten it). */
  reconcileGraceMs?: number;
}

export interface TWorkerRuntime {
  workers: Worker[];
  /** Producer-side queues (e.g. for a sweep launcher that enqueues children). */
  queues: Record<keyof typeof QUEUE_NAMES, Queue>;
  heartbeat: Heartbeat;
  /** Idempotent: closes workers, then queues, then connections, exactly once. */
  close(): Promise<void>;
}

/**
 * The forked children inherit execArgv; when the parent was not started with `--import tsx`
 * (vitest, a bundled build) add it so the .ts processor file still loads.
 */
function sandboxExecArgv(): string[] {
  const argv = [...process.execArgv];
  const hasTsx = argv.some(
    (arg, i) => /tsx/.test(arg) && /^--(import|loader|require)/.test(argv[i - 1] ?? arg),
  );
  return hasTsx ? argv : [...argv, '--import', 'tsx'];
}

export const DEFAULT_COMPUTE_PROCESSOR = path.join(here, 'sandbox/compute.ts');

/**
 * Starts the control worker (in-process: dataset profiles, sweep launches) and the compute worker
 * (sandboxed child processes: training, evaluation, merges, analyses).
 */
export async function startWorkerRuntime(options: TWorkerRuntimeOptions): Promise<TWorkerRuntime> {
  const { config, backend } = options;
  const log = options.log ?? console;
  const table = options.table ?? PROCESSOR_TABLE;
  const computeFile =
    options.computeProcessorFile === undefined ? DEFAULT_COMPUTE_PROCESSOR : options.computeProcessorFile;
  // Children need the parent's identity for Run.workerId.
  process.env.TUNELAB_WORKER_ID = config.workerId;
  process.env.TUNELAB_WORKER_BACKEND = backend;

  const connections: Redis[] = [];
  const connect = (role: 'worker' | 'producer') => {
    const connection = createRedisConnection(config.redisUrl, role, log as Console);
    connections.push(connection);
    return connection;
  };

  const heartbeat = new Heartbeat({
    workerId: config.workerId,
    backend,
    concurrency: config.computeConcurrency,
    intervalMs: config.heartbeatMs,
  });

  const producer = connect('producer');
  const queues = {
    control: new Queue(QUEUE_NAMES.control, { connection: producer, prefix: config.prefix }),
    compute: new Queue(QUEUE_NAMES.compute, { connection: producer, prefix: config.prefix }),
  };

  const workers: Worker[] = [];
  const control = new Worker(
    QUEUE_NAMES.control,
    async (job: Job, token?: string, signal?: AbortSignal) => {
      try {
        return await runJob(job, table, { workerId: config.workerId, backend, token, signal });
      } finally {
        // Whatever BullMQ manages to record afterwards, this job no longer runs here.
        heartbeat.jobEnded(QUEUE_NAMES.control, job.id);
      }
    },
    {
      connection: connect('worker'),
      prefix: config.prefix,
      concurrency: config.controlConcurrency,
      ...(options.controlLockMs
        ? { lockDuration: options.controlLockMs, stalledInterval: options.controlLockMs }
        : {}),
    },
  );
  workers.push(control);
  if (computeFile) {
    workers.push(
      new Worker(QUEUE_NAMES.compute, computeFile, {
        connection: connect('worker'),
        prefix: config.prefix,
        concurrency: config.computeConcurrency,
        // Training steps are long: renew the lock often, allow a long stall before another worker
        // takes the job over (a crashed worker's job is retried after this).
        lockDuration: options.computeLockMs ?? 60_000,
        stalledInterval: Math.min(30_000, options.computeLockMs ?? 30_000),
        maxStalledCount: 2,
        workerForkOptions: { execArgv: sandboxExecArgv() },
      }),
    );
  }

  for (const worker of workers) {
    worker.on('error', (error) => log.error(`[worker:${worker.name}] ${error.message}`));
    worker.on('active', (job) => {
      const runId = (job.data as { runId?: unknown })?.runId;
      heartbeat.jobStarted({
        jobId: String(job.id),
        name: job.name,
        queue: worker.name,
        ...(typeof runId === 'string' ? { runId } : {}),
        startedAt: new Date().toISOString(),
      });
    });
    worker.on('completed', (job) => {
      heartbeat.jobEnded(worker.name, job.id);
      log.info(`[worker:${worker.name}] ${job.name} ${job.id} completed`);
    });
    worker.on('failed', (job, error) => {
      heartbeat.jobEnded(worker.name, job?.id);
      log.error(
        `[worker:${worker.name}] ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`,
      );
      // A sandboxed process that died recorded nothing: the runtime records the attempt for it.
      if (job)
        recordLostAttempt(job, error).catch((failure: Error) =>
          log.error(
            `[worker:${worker.name}] could not record the failure of job ${job.id}: ${failure.message}`,
          ),
        );
    });
  }
  for (const queue of Object.values(queues)) {
    queue.on('error', (error) => log.error(`[worker:queue:${queue.name}] ${error.message}`));
  }

  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  await heartbeat.start();
  // Runs the database calls queued or running whose jobs are gone: queued again or failed, now,
  // whenever Redis comes back, and every TUNELAB_RECONCILE_MS.
  const reconciler = startReconciler({
    connection: producer,
    prefix: config.prefix,
    everyMs: options.reconcileMs ?? readEnv().TUNELAB_RECONCILE_MS,
    graceMs: options.reconcileGraceMs,
    log,
  });
  await reconciler.ready;
  log.info(
    `[worker] ${config.workerId} ready (backend ${backend}, compute concurrency ${config.computeConcurrency}, prefix ${config.prefix}, jobs: ${[...table.keys()].join(', ')})`,
  );

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      // Order matters: ask active jobs to checkpoint and hand themselves back (they stop at their
      // next step boundary), stop taking jobs (waits for those), then producers, then sockets.
      reconciler.stop();
      for (const worker of workers) worker.cancelAllJobs(SHUTDOWN_REASON);
      await Promise.allSettled(workers.map((worker) => worker.close()));
      await Promise.allSettled(Object.values(queues).map((queue) => queue.close()));
      await heartbeat.stop();
      await Promise.allSettled(connections.map((connection) => connection.quit()));
      await disconnectPrisma();
      log.info(`[worker] ${config.workerId} stopped`);
    })();
    return closing;
  };
  return { workers, queues, heartbeat, close };
}
