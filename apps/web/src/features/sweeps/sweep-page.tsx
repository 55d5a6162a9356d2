import { prisma } from '@tunelab/db';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '../../shared/components/auto-refresh.tsx';
import { StatusBadge } from '../../shared/components/status-badge.tsx';
import { fmtNum } from '../../shared/format.ts';
import { ItemActions } from '../housekeeping/item-actions.tsx';
import { SweepChart } from './components/sweep-chart.tsx';
import { aggregateByFraction, SWEEP_METRICS, type SweepMetric } from './lib/sweep-points.ts';

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export async function SweepPage({ params, searchParams }: Props) {
  const { id } = await params;
  const sp = await searchParams;
  const metric: SweepMetric =
    typeof sp.metric === 'string' && sp.metric in SWEEP_METRICS ? (sp.metric as SweepMetric) : 'mae';
  const logX = sp.logx === '1';
  const sweep = await prisma.sweep.findUnique({
    where: { id },
    include: {
      dataset: { select: { id: true, name: true } },
      baseModel: { select: { id: true, name: true } },
      runs: { select: { id: true, status: true, fraction: true, seed: true, summary: true, progress: true } },
    },
  });
  if (!sweep) notFound();
  const agg = aggregateByFraction(sweep.runs, metric, sweep.fractions);
  const done = sweep.runs.filter((r) => r.status === 'succeeded').length;
  const total = sweep.fractions.length * sweep.seeds.length;
  const link = (patch: Record<string, string>) => {
    const q = new URLSearchParams({ metric, ...(logX ? { logx: '1' } : {}), ...patch });
    return `/sweeps/${id}?${q}`;
  };

  return (
    <>
      <AutoRefresh active={sweep.runs.some((r) => r.status === 'queued' || r.status === 'running')} />
      <div className="page-head">
        <h1>{sweep.name}</h1>
        <span className="muted">
          {done} / {total} runs finished
        </span>
        <span className="spacer" />
        {done < total && (
          <a className="button" href={`/sweeps/${id}?${new URLSearchParams({ metric })}`}>
            Refresh
          </a>
        )}
      </div>
      <ItemActions
        kind="sweep"
        id={sweep.id}
        name={sweep.name}
        archived={sweep.archivedAt !== null}
        listHref="/sweeps"
      />
      <div className="card">
        <div className="row" style={{ marginBottom: 8 }}>
          <span className="muted">Metric:</span>
          {(Object.keys(SWEEP_METRICS) as SweepMetric[])
            .filter(
              (m) => m === metric || aggregateByFraction(sweep.runs, m, sweep.fractions).some((a) => a.n > 0),
            )
            .map((m) => (
              <a key={m} href={link({ metric: m })} className={`badge ${m === metric ? 'running' : ''}`}>
                {SWEEP_METRICS[m].label}
              </a>
            ))}
          <a href={logX ? link({ logx: '0' }) : link({ logx: '1' })} className="small">
            {logX ? 'linear x' : 'log x'}
          </a>
          <span className="muted small">
            {sweep.dataset?.name} · {sweep.baseModel?.name} ·{' '}
            {SWEEP_METRICS[metric].better === 'min' ? 'lower is better' : 'higher is better'}
          </span>
        </div>
        <SweepChart data={agg} label={SWEEP_METRICS[metric].label} logX={logX} />
      </div>
      <div className="grid two">
        <div className="card">
          <h2>{SWEEP_METRICS[metric].label} per fraction</h2>
          <table className="data" data-testid="sweep-aggregates">
            <thead>
              <tr>
                <th className="num">Fraction</th>
                <th className="num">Seeds done</th>
                <th className="num">Mean</th>
                <th className="num">Std</th>
                <th className="num">Min</th>
                <th className="num">Max</th>
              </tr>
            </thead>
            <tbody>
              {agg.map((a) => (
                <tr key={a.fraction}>
                  <td className="num">{Math.round(a.fraction * 1000) / 10}%</td>
                  <td className="num">
                    {a.n} / {sweep.seeds.length}
                  </td>
                  <td className="num">{fmtNum(a.mean)}</td>
                  <td className="num">{fmtNum(a.std)}</td>
                  <td className="num">{fmtNum(a.min)}</td>
                  <td className="num">{fmtNum(a.max)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="card">
          <h2>Runs</h2>
          <table className="data">
            <thead>
              <tr>
                <th className="num">Fraction</th>
                <th className="num">Seed</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {[...sweep.runs]
                .sort((a, b) => (a.fraction ?? 0) - (b.fraction ?? 0) || (a.seed ?? 0) - (b.seed ?? 0))
                .map((r) => (
                  <tr key={r.id}>
                    <td className="num">{r.fraction}</td>
                    <td className="num">{r.seed}</td>
                    <td>
                      <StatusBadge status={r.status} />
                      {r.status === 'running' && (
                        <span className="muted small"> {Math.round(r.progress * 100)}%</span>
                      )}
                    </td>
                    <td>
                      <a href={`/runs/${r.id}`}>open</a>
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
          {sweep.runs.length > 1 && (
            <p>
              <a
                href={`/compare?ids=${sweep.runs
                  .slice(0, 12)
                  .map((r) => r.id)
                  .join(',')}`}
              >
                Compare these runs
              </a>
            </p>
          )}
        </div>
      </div>
    </>
  );
}
