// Queue names, job names, default options and the run-kind → job map: the producer side of the
// job contracts. The pure contracts (names, payload schemas, job ids) live in @tunelab/core/jobs so
// the core stays free of bullmq; this package re-exports them so web and worker import one place.
import { JOB_NAMES, type TJobName } from '@tunelab/core/jobs';
import type { JobsOptions } from 'bullmq';

export * from '@tunelab/core/jobs';

/** Options of every job: three attempts with exponential backoff, bounded history in Redis. */
export const DEFAULT_JOB_OPTIONS = Object.freeze({
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { count: 1_000, age: 7 * 24 * 3600 },
  removeOnFail: { count: 5_000, age: 30 * 24 * 3600 },
}) satisfies JobsOptions;

/** The job that carries each kind of Run (its payload is `{ runId }`). */
export const RUN_KIND_JOB = Object.freeze({
  train: JOB_NAMES.runTrain,
  pretrain: JOB_NAMES.runPretrain,
  evaluate: JOB_NAMES.runEvaluate,
  merge: JOB_NAMES.mergeRun,
  analyse: JOB_NAMES.analysisVectors,
  search: JOB_NAMES.searchRun,
  search_candidate: JOB_NAMES.searchCandidate,
  crossval: JOB_NAMES.runCrossval,
  generate: JOB_NAMES.generateRun,
}) satisfies Record<string, TJobName>;
export type TRunKind = keyof typeof RUN_KIND_JOB;
export type TRunJobName = (typeof RUN_KIND_JOB)[TRunKind];

/** The job of a run kind, or null when the kind has none. */
export function findRunKindJob(kind: string): TRunJobName | null {
  return Object.hasOwn(RUN_KIND_JOB, kind) ? RUN_KIND_JOB[kind as TRunKind] : null;
}

/** The job of a run kind; throws naming the kind when it has none. */
export function jobOfRunKind(kind: string): TRunJobName {
  const name = findRunKindJob(kind);
  if (!name) throw new Error(`Runs of kind ${kind} have no job`);
  return name;
}
