// run.crossval: a k-fold cross-validation as one job. The parent Run (kind crossval, params = the
// recipe with `cv: { k, seed, grouped }`) checks that the folds can be made, then creates and queues
// one train run per fold (parentRunId; params.fold = i, the folds computed from the rows by each
// run alike) and returns `{ awaitChildren: true }`: the runtime keeps the parent running until its
// last fold ends (settleParentRun: mean ± std, or failed naming the folds). Idempotent: a retried
// parent creates only the folds it lacks and retries its failed or cancelled ones.
import { ZTrainParams } from '@tunelab/core/dashboard';
import { InputError } from '@tunelab/core/errors';
import { JOB_NAMES, ZCrossvalJob } from '@tunelab/core/jobs';
import { loadDatasetRows, type Prisma, prisma } from '@tunelab/db';
import { createQueuedRuns, enqueueRuns, retryRun } from '@tunelab/jobs';
import { withComputedFolds } from '../training/split-rows.ts';
import { defineProcessor } from './types.ts';

export const crossvalProcessor = defineProcessor({
  name: JOB_NAMES.runCrossval,
  schema: ZCrossvalJob,
  async handle({ runId }, ctx) {
    const run = await prisma.run.findUnique({
      where: { id: runId },
      include: {
        dataset: true,
        childRuns: { select: { id: true, kind: true, status: true, params: true, queueJobId: true } },
      },
    });
    if (!run) throw new InputError(`Run ${runId} does not exist`);
    if (!run.dataset || !run.modelId) throw new InputError(`Run ${runId} lost its dataset or base model`);
    const params = ZTrainParams.parse(run.params);
    if (!params.cv) throw new InputError(`Run ${runId} is a cross-validation without params.cv`);
    const { k } = params.cv;
    // fail now, naming why, rather than in k folds: too few rows or documents for k folds
    const rows = await loadDatasetRows(run.dataset.id, { splits: ['train', 'eval'] });
    const withFolds = withComputedFolds(rows, { ...params, task: run.dataset.task });
    const sizes = Array.from({ length: k }, (_, i) => withFolds.filter((r) => r.fold === i).length);
    await ctx.log(
      `${k}-fold cross-validation of ${rows.length} train + eval rows${params.cv.grouped ? ', documents kept whole' : ''} (seed ${params.cv.seed}): fold sizes ${sizes.join(', ')}`,
    );
    await ctx.throwIfCancelled();
    const foldOf = (c: { params: unknown }) => (c.params as { fold?: number } | null)?.fold;
    for (const child of run.childRuns) {
      if (child.status === 'failed' || child.status === 'cancelled') await retryRun(child.id);
    }
    await enqueueRuns(run.childRuns.filter((c) => c.status === 'queued' && !c.queueJobId));
    const missing = Array.from({ length: k }, (_, i) => i).filter(
      (i) => !run.childRuns.some((c) => foldOf(c) === i),
    );
    await createQueuedRuns(
      missing.map((fold) => ({
        kind: 'train' as const,
        model: { connect: { id: run.modelId as string } },
        dataset: { connect: { id: run.dataset?.id as string } },
        parentRun: { connect: { id: runId } },
        fraction: run.fraction,
        share: run.share,
        seed: run.seed,
        params: { ...params, fold } as Prisma.InputJsonValue,
        tags: [...new Set([...run.tags, 'cv'])],
      })),
    );
    await ctx.log(`queued ${missing.length} of ${k} folds; the run ends when its last fold does`);
    return { awaitChildren: true, folds: k };
  },
});
