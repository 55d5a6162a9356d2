// run.train: fine-tunes a base model on a dataset for one Run row (compute queue, sandboxed).
// The engine (tfjs) is imported lazily so the control worker, which reads the same registry,
// does not load it.
import { JOB_NAMES, ZTrainJob } from '@tunelab/core/jobs';
import { defineProcessor } from './types.ts';

/** run.train in the registry: runJob (processors/run-job.ts) owns running/failed/retry states. */
export const trainProcessor = defineProcessor({
  name: JOB_NAMES.runTrain,
  schema: ZTrainJob,
  async handle({ runId }, ctx) {
    const { trainRun } = await import('../training/train-run.ts');
    return trainRun(runId, ctx);
  },
});
