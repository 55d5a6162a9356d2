// @tunelab/jobs: the one producer of jobs, used by the web app and the worker alike. Queue and job
// names, payload schemas (re-exported from @tunelab/core/jobs), default options, the run-kind → job
// map, enqueueJob (parses the payload before it reaches Redis) and the Run helpers built on it.
export * from './constants.ts';
export {
  closeProducer,
  enqueueJob,
  getQueue,
  jobExists,
  pingRedis,
  producerConnection,
  queuePosition,
  removeQueuedJob,
} from './producer.ts';
export {
  heartbeatAliveMs,
  reconcileRuns,
  runJobState,
  runsActiveOnWorkers,
  type TReconcileResult,
} from './reconcile.ts';
export {
  cancelRun,
  cancelSweep,
  createQueuedRuns,
  enqueueRuns,
  retryRun,
  type TQueuedRunInput,
} from './runs.ts';
