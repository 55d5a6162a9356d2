// run.evaluate: scores a model with a trained head on a dataset split (compute queue, sandboxed).
import { JOB_NAMES, ZEvaluateJob } from '@tunelab/core/jobs';
import { defineProcessor } from './types.ts';

export const evaluateProcessor = defineProcessor({
  name: JOB_NAMES.runEvaluate,
  schema: ZEvaluateJob,
  async handle({ runId }, ctx) {
    const { evaluateRun } = await import('../training/evaluate-run.ts');
    return evaluateRun(runId, ctx);
  },
});
