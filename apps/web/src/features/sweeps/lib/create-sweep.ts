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
  if (dataset && s.shares.length) problems.push(...(await shareProblems(dataset, s.shares)));
  if (problems.length) throw new LaunchRefused(problems);
  const sweep = await prisma.sweep.create({
    data: {
      name:
        s.name ||
        `${dataset?.name ?? 'dataset'} scaling (${[s.fractions.length, ...(s.shares.length ? [s.shares.length] : []), s.seeds.length].join('×')})`,
      recipe: s.recipe as Prisma.InputJsonValue,
      fractions: s.fractions,
      shares: s.shares,
      seeds: s.seeds,
      ...(s.folds ? { folds: s.folds } : {}),
      datasetId: s.datasetId,
      baseModelId: s.modelId,
    },
  });
  await enqueueJob(JOB_NAMES.sweepLaunch, { sweepId: sweep.id });
  return sweep.id;
}

/**
 * A two-way sweep needs real train rows (any share below 100 %), synthetic ones (any share above
 * 0 %) and real eval rows to judge every share on; the rows of a composed dataset keep their tag.
 */
async function shareProblems(dataset: { id: string; name: string }, shares: readonly number[]) {
  const groups = await prisma.datasetRow.groupBy({
    by: ['source', 'split'],
    where: { datasetId: dataset.id, split: { in: ['train', 'eval'] } },
    _count: { _all: true },
  });
  const count = (source: string, split?: string) =>
    groups
      .filter((g) => g.source === source && (split === undefined || g.split === split))
      .reduce((t, g) => t + g._count._all, 0);
  const real = count('real');
  const synthetic = count('synthetic');
  const problems: string[] = [];
  if (shares.some((x) => x > 0) && synthetic === 0)
    problems.push(
      `Synthetic shares need synthetic rows, and ${dataset.name} has none: compose it from a real and a synthetic dataset first.`,
    );
  if (real === 0) problems.push(`A two-way sweep is judged on real rows, and ${dataset.name} has none.`);
  return problems;
}
