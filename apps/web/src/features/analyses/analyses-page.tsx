import { prisma } from '@tunelab/db';
import { StatusBadge } from '../../common/components/status-badge.tsx';
import { fmtAgo } from '../../common/format.ts';
import { AnalysisForm } from './components/analysis-form.tsx';

/** /analyses: tuning-vector analyses and the launch form. */
export async function AnalysesPage() {
  const [models, analyses, datasets] = await Promise.all([
    prisma.model.findMany({
      where: { archivedAt: null },
      select: { id: true, name: true, kind: true, baseModelId: true },
      orderBy: { createdAt: 'desc' },
      take: 200,
    }),
    prisma.analysis.findMany({
      where: { kind: 'vectors', archivedAt: null },
      orderBy: { createdAt: 'desc' },
      take: 100,
      include: { run: { select: { status: true } } },
    }),
    prisma.dataset.findMany({
      where: { archivedAt: null, status: 'ready' },
      select: { id: true, name: true },
      orderBy: { createdAt: 'desc' },
      take: 200,
    }),
  ]);
  const names = new Map(models.map((m) => [m.id, m.name]));
  return (
    <>
      <div className="page-head">
        <h1>Tuning-vector analyses</h1>
      </div>
      <p className="muted">
        What fine-tuning changed: Δ = θ_tuned − θ_base per tensor, its size relative to the weights, how many
        directions it used (effective rank), how alike two fine-tunings are (cosine similarity), where their
        signs conflict and what a TIES merge trims or overrules of each, how much of Δ lies in the base's top
        singular directions, and (with a dataset) linear CKA of the hidden states layer by layer.
      </p>
      <AnalysisForm
        datasets={datasets}
        models={models.map((m) => ({
          id: m.id,
          kind: m.kind,
          baseModelId: m.baseModelId,
          label: `${m.name} (${m.kind})`,
        }))}
      />
      <div className="card">
        <h2>All analyses</h2>
        {analyses.length === 0 ? (
          <p className="muted">No analysis yet.</p>
        ) : (
          <table data-testid="analyses-table">
            <thead>
              <tr>
                <th>Analysis</th>
                <th>Base</th>
                <th>Fine-tuned</th>
                <th>Status</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {analyses.map((a) => (
                <tr key={a.id}>
                  <td>
                    <a href={`/analyses/${a.id}`}>{a.id}</a>
                  </td>
                  <td>{names.get(a.modelIds[0] ?? '') ?? a.modelIds[0]}</td>
                  <td>
                    {a.modelIds
                      .slice(1)
                      .map((id) => names.get(id) ?? id)
                      .join(', ')}
                  </td>
                  <td>
                    <StatusBadge status={a.run.status} />
                  </td>
                  <td className="muted">{fmtAgo(a.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </>
  );
}
