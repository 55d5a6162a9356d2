import { JOB_NAMES } from '@tunelab/core/jobs';
import { type Prisma, prisma } from '@tunelab/db';
import { enqueueJob } from '@tunelab/jobs';
import { checkCompatibility } from '../../runs/lib/compatibility.ts';
import { LaunchRefused, modelFacts, toDatasetFacts } from '../../runs/lib/launch-runs.ts';
import { type TCreateSweep, ZCreateSweep } from './sweep-schema.ts';

/**
 * Creates a data-scaling sweep: the same recipe trained on growing fractions of the training rows,
 * each with several seeds. The sweep.launch job (control queue) then creates and queues the runs.
 */
export async function createSweep(input: TCreateSweep): Promise<string> {
  const s = ZCreateSweep.parse(input);
  const [model, dataset] = await Promise.all([
    modelFacts(s.modelId),
    prisma.dataset.findUnique({ where: { id: s.datasetId } }),
  ]);
  const problems = checkCompatibility(model, dataset ? toDatasetFacts(dataset) : undefined, s.recipe);
  if (problems.length) throw new LaunchRefused(problems);
  const sweep = await prisma.sweep.create({
    data: {
      name: s.name || `${dataset?.name ?? 'dataset'} scaling (${s.fractions.length}×${s.seeds.length})`,
      recipe: s.recipe as Prisma.InputJsonValue,
      fractions: s.fractions,
      seeds: s.seeds,
      datasetId: s.datasetId,
      baseModelId: s.modelId,
    },
  });
  await enqueueJob(JOB_NAMES.sweepLaunch, { sweepId: sweep.id });
  return sweep.id;
}
