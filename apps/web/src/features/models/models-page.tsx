import { prisma } from '@tunelab/db';
import { fmtAgo } from '../../common/format.ts';
import { ImportModelForm } from './components/import-form.tsx';
import { PretrainForm } from './components/pretrain-form.tsx';

export function fmtParams(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

export async function ModelsPage() {
  const models = await prisma.model.findMany({
    where: { archivedAt: null },
    orderBy: { createdAt: 'desc' },
    take: 500,
    include: { baseModel: { select: { id: true, name: true } }, _count: { select: { runsAsBase: true } } },
  });
  return (
    <>
      <div className="page-head">
        <h1>Models</h1>
        <span className="muted">{models.length}</span>
      </div>
      <div className="card">
        {models.length === 0 ? (
          <div className="empty">No models yet: import a checkpoint or pretrain one below.</div>
        ) : (
          <table className="data" data-testid="models-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th>Task / head</th>
                <th>Architecture</th>
                <th className="num">Parameters</th>
                <th>Derived from</th>
                <th>Source</th>
                <th className="num">Runs</th>
                <th>Created</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {models.map((m) => {
                const c = m.config as Record<string, unknown>;
                return (
                  <tr key={m.id}>
                    <td>
                      <a href={`/models/${m.id}`}>{m.name}</a>
                    </td>
                    <td>
                      <span className="badge">{m.kind}</span>
                    </td>
                    <td>
                      {m.task
                        ? `${m.task}${m.task === 'classification' ? ` (${m.numLabels})` : ''}`
                        : 'encoder only'}
                    </td>
                    <td className="mono small">
                      {String(c.num_hidden_layers ?? '?')}L × {String(c.hidden_size ?? '?')}H,{' '}
                      {String(c.num_attention_heads ?? '?')} heads
                    </td>
                    <td className="num">{fmtParams(m.paramCount)}</td>
                    <td>
                      {m.baseModel ? <a href={`/models/${m.baseModel.id}`}>{m.baseModel.name}</a> : '—'}
                    </td>
                    <td className="muted small">{m.source}</td>
                    <td className="num">{m._count.runsAsBase}</td>
                    <td className="muted">{fmtAgo(m.createdAt)}</td>
                    <td>
                      <a href={`/runs/new?model=${m.id}`}>fine-tune</a> ·{' '}
                      <a href={`/api/models/${m.id}/download`}>zip</a>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
      <div className="grid two">
        <ImportModelForm />
        <PretrainForm />
      </div>
    </>
  );
}
