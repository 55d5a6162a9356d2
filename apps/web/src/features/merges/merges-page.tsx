import { architectureKey } from '@tunelab/core/merge';
import { prisma } from '@tunelab/db';
import { StatusBadge } from '../../common/components/status-badge.tsx';
import { fmtAgo } from '../../common/format.ts';
import { MergeForm } from './components/merge-form.tsx';
import { SearchForm } from './components/search-form.tsx';

/** /merges: the merges made so far and the launch form. */
export async function MergesPage() {
  const [models, searches, merges] = await Promise.all([
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
    prisma.mergeSearch.findMany({
      orderBy: { createdAt: 'desc' },
      take: 50,
      include: { run: { select: { status: true } } },
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
      <div className="card" data-testid="search-card">
        <h2>Search</h2>
        <p className="muted small">
          Search merge recipes (method, λ, per-model weights and densities) that do best on every parent's
          domain: each candidate is a job on the workers; the page shows the objective live, the Pareto front
          and the best recipe. Same file as{' '}
          <span className="mono">tunelab merge-search --config SEARCH.yml</span>.
        </p>
        {models.length >= 2 && <SearchForm models={options} />}
        {searches.length > 0 && (
          <table data-testid="searches-table">
            <thead>
              <tr>
                <th>Search</th>
                <th>Status</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {searches.map((s) => (
                <tr key={s.id}>
                  <td>
                    <a href={`/merges/search/${s.id}`}>{s.name ?? s.id}</a>
                  </td>
                  <td>
                    <StatusBadge status={s.run.status} />
                  </td>
                  <td className="muted">{fmtAgo(s.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
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
