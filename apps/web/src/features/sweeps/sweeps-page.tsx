import { prisma } from '@tunelab/db';
import { fmtAgo } from '../../common/format.ts';
import { maxPositionsOf } from '../runs/lib/launch-runs.ts';
import { SweepForm } from './components/sweep-form.tsx';

export async function SweepsPage() {
  const [sweeps, models, datasets] = await Promise.all([
    prisma.sweep.findMany({
      where: { archivedAt: null },
      orderBy: { createdAt: 'desc' },
      take: 200,
      include: {
        dataset: { select: { name: true } },
        baseModel: { select: { name: true } },
        runs: { select: { status: true } },
      },
    }),
    prisma.model.findMany({
      where: { archivedAt: null },
      orderBy: { createdAt: 'desc' },
      select: { id: true, name: true, kind: true, config: true },
    }),
    prisma.dataset.findMany({
      where: { status: 'ready', archivedAt: null },
      orderBy: { createdAt: 'desc' },
      select: { id: true, name: true, rowCount: true },
    }),
  ]);
  return (
    <>
      <div className="page-head">
        <h1>Sweeps</h1>
        <span className="muted">
          Would more data help? The same recipe on growing fractions of the training rows.
        </span>
      </div>
      <div className="card">
        {sweeps.length === 0 ? (
          <div className="empty">No sweeps yet.</div>
        ) : (
          <table className="data" data-testid="sweeps-table">
            <thead>
              <tr>
                <th>Sweep</th>
                <th>Dataset</th>
                <th>Base model</th>
                <th>Fractions</th>
                <th>Seeds</th>
                <th>Runs done</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {sweeps.map((s) => {
                const done = s.runs.filter((r) => r.status === 'succeeded').length;
                return (
                  <tr key={s.id}>
                    <td>
                      <a href={`/sweeps/${s.id}`}>{s.name}</a>
                    </td>
                    <td>{s.dataset?.name ?? '—'}</td>
                    <td>{s.baseModel?.name ?? '—'}</td>
                    <td className="mono">{s.fractions.join(', ')}</td>
                    <td className="mono">{s.seeds.join(', ')}</td>
                    <td>
                      {done} / {s.fractions.length * s.seeds.length}
                    </td>
                    <td className="muted">{fmtAgo(s.createdAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
      <SweepForm
        models={models.map((m) => ({
          id: m.id,
          label: `${m.name} (${m.kind})`,
          maxPositions: maxPositionsOf(m.config),
        }))}
        datasets={datasets.map((d) => ({ id: d.id, label: `${d.name} (${d.rowCount} rows)` }))}
      />
    </>
  );
}
