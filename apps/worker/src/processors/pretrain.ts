// run.pretrain: masked-LM pretraining from an uploaded corpus or WordNet glosses (compute queue).
// The engine is imported lazily so the control worker does not load tfjs.
import { JOB_NAMES, ZPretrainJob } from '@tunelab/core/jobs';
import { defineProcessor } from './types.ts';

export const pretrainProcessor = defineProcessor({
  name: JOB_NAMES.runPretrain,
  schema: ZPretrainJob,
  async handle({ runId }, ctx) {
    const { pretrainRun } = await import('../training/pretrain-run.ts');
    return pretrainRun(runId, ctx);
  },
});
