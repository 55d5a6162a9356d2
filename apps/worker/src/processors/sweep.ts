// sweep.launch: creates the sweep's runs (fraction × seed, or fraction × synthetic share × seed for
// a two-way sweep; same recipe) and queues run.train for each. Idempotent: a retried job skips
// cells that already have a run. The runtime
// marks the sweep running (or cancelled) before this runs; its status then follows its runs.
import { ZTrainParams } from '@tunelab/core/dashboard';
import { InputError } from '@tunelab/core/errors';
import { JOB_NAMES, ZSweepLaunchJob } from '@tunelab/core/jobs';
import { sameCell, sweepCells } from '@tunelab/core/sweeps';
import { type Prisma, prisma } from '@tunelab/db';
import { createQueuedRuns, enqueueRuns } from '@tunelab/jobs';
import { defineProcessor } from './types.ts';

export const sweepProcessor = defineProcessor({
  name: JOB_NAMES.sweepLaunch,
  schema: ZSweepLaunchJob,
  async handle({ sweepId }) {
    const sweep = await prisma.sweep.findUnique({ where: { id: sweepId }, include: { runs: true } });
    if (!sweep) throw new InputError(`Sweep ${sweepId} does not exist`);
    if (!sweep.datasetId || !sweep.baseModelId)
      throw new InputError(`Sweep ${sweepId} lost its dataset or model`);
    const recipe = ZTrainParams.parse(sweep.recipe);
    const shares = sweep.shares;
    const missing = sweepCells({ fractions: sweep.fractions, shares, seeds: sweep.seeds }).filter(
      (cell) => !sweep.runs.some((r) => sameCell(cell, r)),
    );
    // Runs a crashed launch created but did not queue.
    const unqueued = sweep.runs.filter((r) => r.status === 'queued' && !r.queueJobId);
    await enqueueRuns(unqueued);
    // CV at each cell: the sweep's runs are cross-validation parents, each queueing its k folds
    const cv = sweep.folds
      ? { cv: { k: sweep.folds, seed: 0, grouped: await hasGroups(sweep.datasetId) } }
      : {};
    const created = await createQueuedRuns(
      missing.map(({ fraction, share, seed }) => ({
        kind: sweep.folds ? ('crossval' as const) : ('train' as const),
        model: { connect: { id: sweep.baseModelId as string } },
        dataset: { connect: { id: sweep.datasetId as string } },
        sweep: { connect: { id: sweepId } },
        fraction,
        share,
        seed,
        params: {
          ...recipe,
          trainFraction: fraction,
          seed,
          ...(share === null ? {} : { mix: { share, shares } }),
          ...cv,
        } as Prisma.InputJsonValue,
        tags: ['sweep'],
      })),
    );
    return { sweepId, runs: unqueued.length + created.length };
  },
});

/** Whether the dataset names documents (a group column): CV folds then keep them whole. */
async function hasGroups(datasetId: string): Promise<boolean> {
  const dataset = await prisma.dataset.findUnique({
    where: { id: datasetId },
    select: { groupColumn: true },
  });
  return Boolean(dataset?.groupColumn);
}
