// Pure job contracts shared by the web app (producer) and the worker (consumer): names, payload
// schemas, job ids. No bullmq here: the queue side (default options, enqueueJob, createQueuedRuns,
// the run-kind → job map) is @tunelab/jobs, which re-exports all of this. Payloads carry ids only:
// processors read details from Postgres, so a job never acts on stale copies of a row. Every job
// that is tracked (training, evaluation, merges, analyses) carries `{ runId }`: the worker runtime
// keeps that Run's lifecycle.
import { z } from 'zod';

/**
 * Two queues so that CPU-heavy work can run in sandboxed child processes (a long training step must
 * not starve the lock renewal) while quick bookkeeping jobs run in the worker process itself.
 */
export const QUEUE_NAMES = {
  control: 'control',
  compute: 'compute',
} as const;
export type TQueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

export const JOB_NAMES = {
  datasetProfile: 'dataset.profile',
  runTrain: 'run.train',
  runPretrain: 'run.pretrain',
  runEvaluate: 'run.evaluate',
  sweepLaunch: 'sweep.launch',
  analysisVectors: 'analysis.vectors',
  mergeRun: 'merge.run',
  searchRun: 'search.run',
  searchCandidate: 'search.candidate',
  runCrossval: 'run.crossval',
  generateRun: 'generate.run',
} as const;
export type TJobName = (typeof JOB_NAMES)[keyof typeof JOB_NAMES];

const ZId = z.string().min(1).max(64);

export const ZDatasetProfileJob = z.object({ datasetId: ZId }).strict();
export type TDatasetProfileJob = z.infer<typeof ZDatasetProfileJob>;
export const ZTrainJob = z.object({ runId: ZId }).strict();
export type TTrainJob = z.infer<typeof ZTrainJob>;
export const ZPretrainJob = z.object({ runId: ZId }).strict();
export type TPretrainJob = z.infer<typeof ZPretrainJob>;
export const ZEvaluateJob = z.object({ runId: ZId }).strict();
export type TEvaluateJob = z.infer<typeof ZEvaluateJob>;
export const ZSweepLaunchJob = z.object({ sweepId: ZId }).strict();
export type TSweepLaunchJob = z.infer<typeof ZSweepLaunchJob>;
/** The Run (kind analyse) whose Analysis detail row says what to compare. */
export const ZAnalysisVectorsJob = z.object({ runId: ZId }).strict();
export type TAnalysisVectorsJob = z.infer<typeof ZAnalysisVectorsJob>;
/** The Run (kind merge) whose Merge detail row holds the config. */
export const ZMergeJob = z.object({ runId: ZId }).strict();
export type TMergeJob = z.infer<typeof ZMergeJob>;
/** The Run (kind search) whose MergeSearch detail row holds SEARCH.yml. */
export const ZSearchJob = z.object({ runId: ZId }).strict();
/** The Run (kind search_candidate) whose SearchCandidate detail row says what to score. */
export const ZSearchCandidateJob = z.object({ runId: ZId }).strict();
/** The Run (kind crossval) whose k folds to create and queue; it settles when its last fold ends. */
export const ZCrossvalJob = z.object({ runId: ZId }).strict();
export type TCrossvalJob = z.infer<typeof ZCrossvalJob>;
/** The Run (kind generate) whose Generation detail row holds the plan and the connection. */
export const ZGenerateJob = z.object({ runId: ZId }).strict();
export type TGenerateJob = z.infer<typeof ZGenerateJob>;

/** Payload schema of each job name. */
export const JOB_SCHEMAS = {
  [JOB_NAMES.datasetProfile]: ZDatasetProfileJob,
  [JOB_NAMES.runTrain]: ZTrainJob,
  [JOB_NAMES.runPretrain]: ZPretrainJob,
  [JOB_NAMES.runEvaluate]: ZEvaluateJob,
  [JOB_NAMES.sweepLaunch]: ZSweepLaunchJob,
  [JOB_NAMES.analysisVectors]: ZAnalysisVectorsJob,
  [JOB_NAMES.mergeRun]: ZMergeJob,
  [JOB_NAMES.searchRun]: ZSearchJob,
  [JOB_NAMES.searchCandidate]: ZSearchCandidateJob,
  [JOB_NAMES.runCrossval]: ZCrossvalJob,
  [JOB_NAMES.generateRun]: ZGenerateJob,
} as const satisfies Record<TJobName, z.ZodType>;

export type TJobPayload<N extends TJobName> = z.infer<(typeof JOB_SCHEMAS)[N]>;

/** Which queue carries each job: compute = sandboxed, CPU-heavy. */
export const JOB_QUEUE = {
  [JOB_NAMES.datasetProfile]: QUEUE_NAMES.control,
  [JOB_NAMES.sweepLaunch]: QUEUE_NAMES.control,
  [JOB_NAMES.runCrossval]: QUEUE_NAMES.control,
  [JOB_NAMES.runTrain]: QUEUE_NAMES.compute,
  [JOB_NAMES.runPretrain]: QUEUE_NAMES.compute,
  [JOB_NAMES.runEvaluate]: QUEUE_NAMES.compute,
  [JOB_NAMES.analysisVectors]: QUEUE_NAMES.compute,
  [JOB_NAMES.mergeRun]: QUEUE_NAMES.compute,
  // The search itself only waits on its candidates (in-process); each candidate merges and scores.
  [JOB_NAMES.searchRun]: QUEUE_NAMES.control,
  [JOB_NAMES.searchCandidate]: QUEUE_NAMES.compute,
  // Network-bound (waits on the endpoint), so it runs in the worker process.
  [JOB_NAMES.generateRun]: QUEUE_NAMES.control,
} as const satisfies Record<TJobName, TQueueName>;

/**
 * Deterministic BullMQ job id: enqueueing the same entity twice is a no-op instead of a second job,
 * and a run's job can be found (and removed) from its id alone. BullMQ forbids ':' in custom ids.
 */
export function jobIdFor<N extends TJobName>(name: N, payload: TJobPayload<N>): string {
  const id = Object.values(payload as Record<string, string>).join('-');
  return `${name.replace('.', '-')}-${id}`;
}

export function isJobName(name: string): name is TJobName {
  return Object.hasOwn(JOB_SCHEMAS, name);
}

/** Parses a payload for `name`; throws an Error naming the job and the bad field. */
export function parseJobPayload<N extends TJobName>(name: N, data: unknown): TJobPayload<N> {
  const result = JOB_SCHEMAS[name].safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(payload)';
    throw new Error(`Invalid payload for job ${name}: ${where}: ${issue?.message}`);
  }
  return result.data as TJobPayload<N>;
}

/**
 * Thrown by a processor that noticed its run's cancel flag between steps. The worker runtime marks
 * the run cancelled and completes the job (no retry, not a failure).
 */
export class CancelledError extends Error {
  constructor(readonly runId: string) {
    super(`Run ${runId} was cancelled`);
    this.name = 'CancelledError';
  }
}

/**
 * Thrown by a processor that stopped because its worker is shutting down (SIGTERM / SIGINT), after
 * saving what it needs to resume. The worker runtime puts the run back to queued and hands the job
 * back to the queue for another worker, without using up an attempt.
 */
export class InterruptedError extends Error {
  constructor(readonly runId: string) {
    super(`Run ${runId} was interrupted: its worker is shutting down`);
    this.name = 'InterruptedError';
  }
}

/** The abort reason a worker gives its active jobs when it shuts down. */
export const SHUTDOWN_REASON = 'worker shutting down';
