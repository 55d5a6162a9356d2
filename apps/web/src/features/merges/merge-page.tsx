import { prisma } from '@tunelab/db';
import { notFound } from 'next/navigation';
import { StatusBadge } from '../runs/components/status-badge.tsx';
import { fmtAgo } from '../runs/lib/format.ts';
import { MergeCharts, type TScoredModel } from './components/merge-charts.tsx';
import { commonMetrics, sameParents, scoresOf } from './lib/merge-scores.ts';

/** /merges/[id]: the config, the result and how every model scores on every parent's dataset. */
export async function MergePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const merge = await prisma.merge.findUnique({
    where: { id },
    include: {
      parents: { include: { model: { select: { id: true, name: true } } }, orderBy: { order: 'asc' } },
      baseModel: { select: { id: true, name: true } },
      resultModel: { select: { id: true, name: true, paramCount: true } },
      evaluations: { include: { dataset: { select: { id: true, name: true } } } },
    },
  });
  if (!merge) notFound();
  const parentIds = merge.parents.map((p) => p.modelId);
  const candidates = await prisma.merge.findMany({
    where: { status: 'succeeded', parents: { some: { modelId: { in: parentIds } } } },
    include: {
      parents: { select: { modelId: true } },
      resultModel: { select: { id: true } },
      evaluations: true,
    },
    take: 500,
  });
  const siblings: TScoredModel[] = candidates
    .filter(
      (c) =>
        c.resultModel &&
        sameParents(
          c.parents.map((p) => p.modelId),
          parentIds,
        ),
    )
    .map((c) => ({
      id: c.id,
      label: c.name ?? `${c.method} ${c.id.slice(-6)}`,
      role: 'sibling' as const,
      scores: scoresOf(c.evaluations, c.resultModel?.id ?? ''),
    }));
  const datasets = [...new Map(merge.evaluations.map((e) => [e.dataset.id, e.dataset])).values()];
  const models: TScoredModel[] = [
    ...(merge.resultModel ? [{ id: merge.resultModel.id, label: 'merged', role: 'merged' as const }] : []),
    ...(merge.baseModel
      ? [{ id: merge.baseModel.id, label: `base: ${merge.baseModel.name}`, role: 'base' as const }]
      : []),
    ...merge.parents.map((p) => ({ id: p.model.id, label: p.model.name, role: 'parent' as const })),
  ].map((m) => ({ ...m, scores: scoresOf(merge.evaluations, m.id) }));
  const metrics = commonMetrics(models.map((m) => m.scores).filter((s) => Object.keys(s).length > 0));

  return (
    <>
      <div className="page-head">
        <h1>{merge.name ?? `Merge ${merge.id}`}</h1>
        <span className="badge">{merge.method}</span>
        <StatusBadge status={merge.status} />
        <span className="spacer" />
        {merge.resultModel && (
          <a className="button primary" href={`/models/${merge.resultModel.id}`}>
            Merged model
          </a>
        )}
      </div>
      {merge.error && <div className="error-box">{merge.error}</div>}
      <div className="grid two">
        <div className="card">
          <h2>Config</h2>
          <pre className="mono small" data-testid="merge-config">
            {merge.config}
          </pre>
          <p className="muted small">
            Created {fmtAgo(merge.createdAt)}. Models are named by TuneLab model id.
          </p>
        </div>
        <div className="card">
          <h2>Models</h2>
          <dl className="kv">
            <dt>Base</dt>
            <dd>
              {merge.baseModel ? <a href={`/models/${merge.baseModel.id}`}>{merge.baseModel.name}</a> : '—'}
            </dd>
            {merge.parents.map((p) => (
              <div key={p.id} style={{ display: 'contents' }}>
                <dt>Parent</dt>
                <dd>
                  <a href={`/models/${p.model.id}`}>{p.model.name}</a>{' '}
                  <span className="mono small">{JSON.stringify(p.params)}</span>
                </dd>
              </div>
            ))}
          </dl>
          <p className="muted small">
            Each model is scored on the eval split of every parent's fine-tuning dataset, so the merge can be
            read against its parents domain by domain.
          </p>
        </div>
      </div>
      <div className="card">
        <h2>Scores</h2>
        <MergeCharts datasets={datasets} metrics={metrics} models={models} siblings={siblings} />
      </div>
    </>
  );
}
