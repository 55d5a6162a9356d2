// sweep.launch: creates the sweep's runs (fraction × seed, same recipe) and queues run.train for
// each. Idempotent: a retried job skips (fraction, seed) pairs that already have a run.
import { ZTrainParams } from '@tunelab/core/dashboard';
import { JOB_NAMES, ZSweepLaunchJob } from '@tunelab/core/jobs';
import { type Prisma, prisma } from '@tunelab/db';
import { UnrecoverableError } from 'bullmq';
import { enqueueFromWorker } from '../training/enqueue-from-worker.ts';
import { defineProcessor } from './types.ts';

export const sweepProcessor = defineProcessor({
  name: JOB_NAMES.sweepLaunch,
  schema: ZSweepLaunchJob,
  async handle({ sweepId }) {
    const sweep = await prisma.sweep.findUnique({ where: { id: sweepId }, include: { runs: true } });
    if (!sweep) throw new UnrecoverableError(`Sweep ${sweepId} does not exist`);
    if (!sweep.datasetId || !sweep.baseModelId)
      throw new UnrecoverableError(`Sweep ${sweepId} lost its dataset or model`);
    const recipe = ZTrainParams.parse(sweep.recipe);
    const created: string[] = [];
    for (const fraction of sweep.fractions) {
      for (const seed of sweep.seeds) {
        if (sweep.runs.some((r) => r.fraction === fraction && r.seed === seed)) continue;
        const run = await prisma.run.create({
          data: {
            kind: 'train',
            modelId: sweep.baseModelId,
            datasetId: sweep.datasetId,
            sweepId,
            fraction,
            seed,
            params: { ...recipe, trainFraction: fraction, seed } as Prisma.InputJsonValue,
            tags: ['sweep'],
          },
        });
        created.push(run.id);
      }
    }
    const pending = [
      ...sweep.runs.filter((r) => r.status === 'queued' && !r.queueJobId).map((r) => r.id),
      ...created,
    ];
    const jobIds = await enqueueFromWorker(
      pending.map((runId) => ({ name: JOB_NAMES.runTrain, payload: { runId } })),
    );
    await Promise.all(
      pending.map((id, i) => prisma.run.update({ where: { id }, data: { queueJobId: jobIds[i] ?? null } })),
    );
    await prisma.sweep.update({ where: { id: sweepId }, data: { status: 'running' } });
    return { sweepId, runs: pending.length };
  },
});
