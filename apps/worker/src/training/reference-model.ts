// The reference of error reduction when a run names one (params.referenceModelId): that model scored
// on the run's own eval rows, in the run's label space (one output per item of a multi-item scale),
// with its own head or, for a base checkpoint, a head initialised from the run's seed and never
// trained (the study's "untuned base model"). Which head it gets is decided by loadReferenceModel.
import { InputError } from '@tunelab/core/errors';
import type { TLabelSpace, TScores } from '@tunelab/core/metrics';
import {
  loadReferenceModel,
  type ScoreModelOptions,
  scoreModelOnThreads,
  type TItemSpec,
} from '@tunelab/core/train';
import { getArtifactStore, prisma } from '@tunelab/db';

export async function scoreReferenceModel(
  modelId: string,
  rows: Parameters<typeof scoreModelOnThreads>[2],
  space: TLabelSpace,
  opts: {
    seed: number;
    maxLength: number;
    threads: number;
    items?: readonly TItemSpec[];
    longText?: ScoreModelOptions['longText'];
  },
): Promise<{ kind: string; scores: TScores }> {
  const row = await prisma.model.findUnique({ where: { id: modelId } });
  if (!row)
    throw new InputError(`Reference model ${modelId} does not exist (deleted?): pick another reference`);
  const loaded = await loadReferenceModel(
    getArtifactStore().resolve(row.artifactPath),
    row.name,
    space.task === 'classification'
      ? { task: 'classification', numClasses: space.numClasses }
      : { task: 'regression', outputs: opts.items?.length ?? 1 },
    opts.seed,
  );
  try {
    const { metrics, bySource, confusionMatrix, items } = await scoreModelOnThreads(
      loaded.model,
      loaded.tokenizer,
      rows,
      {
        ...space,
        maxLength: opts.maxLength,
        longText: opts.longText,
        threads: opts.threads,
        items: opts.items,
      },
    );
    return {
      kind: loaded.kind,
      scores: { metrics, bySource, confusionMatrix, ...(items ? { items } : {}) },
    };
  } finally {
    loaded.model.dispose();
  }
}
