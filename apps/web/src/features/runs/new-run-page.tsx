import { ZTrainParams } from '@tunelab/core/dashboard';
import { prisma } from '@tunelab/db';
import { LaunchForm } from './components/launch-form.tsx';
import { toDatasetFacts, toModelFacts } from './lib/launch-runs.ts';

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export async function NewRunPage({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams;
  const cloneId = typeof sp.clone === 'string' ? sp.clone : undefined;
  const [models, datasets, evalCounts, clone] = await Promise.all([
    prisma.model.findMany({ where: { archivedAt: null }, orderBy: { createdAt: 'desc' }, take: 300 }),
    prisma.dataset.findMany({ where: { archivedAt: null }, orderBy: { createdAt: 'desc' }, take: 300 }),
    prisma.datasetRow.groupBy({ by: ['datasetId'], where: { split: 'eval' }, _count: { _all: true } }),
    cloneId ? prisma.run.findUnique({ where: { id: cloneId } }) : null,
  ]);
  const evalRows = new Map(evalCounts.map((c) => [c.datasetId, c._count._all]));
  const cloned = clone ? ZTrainParams.partial().safeParse(clone.params) : null;
  const preset = typeof sp.model === 'string' ? sp.model : undefined;

  return (
    <>
      <div className="page-head">
        <h1>{clone ? 'Clone run' : 'New run'}</h1>
        {clone && <span className="muted">from {clone.id}</span>}
      </div>
      <LaunchForm
        models={models
          .filter((m) => m.kind !== 'finetuned' || m.task !== null)
          .map((m) => ({ ...toModelFacts(m), label: `${m.name} (${m.kind}${m.task ? `, ${m.task}` : ''})` }))}
        datasets={datasets.map((d) => ({
          ...toDatasetFacts(d),
          tolerance: d.tolerance,
          evalRows: evalRows.get(d.id) ?? 0,
          folds: (d.folds as { k?: number } | null)?.k ?? null,
          groupColumn: d.groupColumn,
        }))}
        initial={{
          modelId: clone?.modelId ?? preset ?? undefined,
          datasetId: clone?.datasetId ?? (typeof sp.dataset === 'string' ? sp.dataset : undefined),
          params: cloned?.success ? cloned.data : undefined,
          tags: clone?.tags,
        }}
      />
    </>
  );
}
