// The reference of error reduction when a run names one (params.referenceModelId): that model scored
// on the run's own eval rows, with its own head or, for a base checkpoint, a head initialised from
// the run's seed and never trained (the study's "untuned base model").
import { InputError } from '@tunelab/core/errors';
import { modelReferenceKind, type TLabelSpace, type TScores } from '@tunelab/core/metrics';
import { loadModel, scoreModelOnThreads } from '@tunelab/core/train';
import { getArtifactStore, prisma } from '@tunelab/db';

export async function scoreReferenceModel(
  modelId: string,
  rows: Parameters<typeof scoreModelOnThreads>[2],
  space: TLabelSpace,
  opts: { seed: number; maxLength: number; threads: number },
): Promise<{ kind: string; scores: TScores }> {
  const row = await prisma.model.findUnique({ where: { id: modelId } });
  if (!row)
    throw new InputError(`Reference model ${modelId} does not exist (deleted?): pick another reference`);
  const loaded = await loadModel(getArtifactStore().resolve(row.artifactPath), {
    task: space.task,
    numLabels: space.task === 'classification' ? space.numClasses : undefined,
    seed: opts.seed,
  });
  try {
    const { metrics, bySource, confusionMatrix } = await scoreModelOnThreads(
      loaded.model,
      loaded.tokenizer,
      rows,
      {
        ...space,
        maxLength: opts.maxLength,
        threads: opts.threads,
      },
    );
    const head = loaded.model.initialisedHead.length > 0 ? { untrainedSeed: opts.seed } : ('own' as const);
    return { kind: modelReferenceKind(row.name, head), scores: { metrics, bySource, confusionMatrix } };
  } finally {
    loaded.model.dispose();
  }
}
