import { architectureKey } from '@tunelab/core/merge';
import { prisma } from '@tunelab/db';
import { StatusBadge } from '../../common/components/status-badge.tsx';
import { fmtAgo } from '../../common/format.ts';
import { MergeForm } from './components/merge-form.tsx';

/** /merges: the merges made so far and the launch form. */
export async function MergesPage() {
  const [models, merges] = await Promise.all([
    prisma.model.findMany({
      where: { archivedAt: null },
      select: {
        id: true,
        name: true,
        kind: true,
        task: true,
        numLabels: true,
        baseModelId: true,
        config: true,
      },
      orderBy: { createdAt: 'desc' },
      take: 200,
    }),
    prisma.merge.findMany({
      where: { archivedAt: null },
      orderBy: { createdAt: 'desc' },
      take: 100,
      include: {
        parents: { include: { model: { select: { name: true } } }, orderBy: { order: 'asc' } },
        baseModel: { select: { name: true } },
        resultModel: { select: { id: true } },
        run: { select: { status: true } },
      },
    }),
  ]);
  const options = models.map((m) => ({
    id: m.id,
    name: m.name,
    kind: m.kind,
    baseModelId: m.baseModelId,
    architecture: architectureKey((m.config ?? {}) as Record<string, unknown>),
    head: m.task ? `${m.task}/${m.numLabels ?? ''}` : null,
    label: `${m.name} (${m.kind}${m.task ? `, ${m.task}` : ''})`,
  }));
  return (
    <>
      <div className="page-head">
        <h1>Merges</h1>
        <span className="spacer" />
        <a className="button" href="/analyses">
          Tuning-vector analyses
        </a>
      </div>
      {models.length < 2 ? (
        <div className="empty">Fine-tune at least two models from one base to merge them.</div>
      ) : (
        <MergeForm models={options} />
      )}
      <div className="card">
        <h2>All merges</h2>
        {merges.length === 0 ? (
          <p className="muted">No merge yet.</p>
        ) : (
          <table data-testid="merges-table">
            <thead>
              <tr>
                <th>Merge</th>
                <th>Method</th>
                <th>Base</th>
                <th>Parents</th>
                <th>Status</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {merges.map((m) => (
                <tr key={m.id}>
                  <td>
                    <a href={`/merges/${m.id}`}>{m.name ?? m.id}</a>
                  </td>
                  <td className="mono">{m.method}</td>
                  <td>{m.baseModel?.name ?? '—'}</td>
                  <td>{m.parents.map((p) => p.model.name).join(', ')}</td>
                  <td>
                    <StatusBadge status={m.run.status} />
                  </td>
                  <td className="muted">{fmtAgo(m.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}
