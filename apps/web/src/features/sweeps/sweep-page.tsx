import { METRICS } from '@tunelab/core/metrics';
import { percent } from '@tunelab/core/sweeps';
import { prisma } from '@tunelab/db';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '../../common/components/auto-refresh.tsx';
import { StatusBadge } from '../../common/components/status-badge.tsx';
import { fmtNum } from '../../common/format.ts';
import { PALETTE } from '../charts/palette.ts';
import { ItemActions } from '../housekeeping/item-actions.tsx';
import { ScalingAnswer } from './components/scaling-answer.tsx';
import { ShareTable } from './components/share-table.tsx';
import { SweepChart, type SweepChartSeries } from './components/sweep-chart.tsx';
import { SweepNumbers } from './components/sweep-numbers.tsx';
import { compareShares } from './lib/share-comparison.ts';
import {
  aggregateByFraction,
  atBaseline,
  baselineKind,
  fitSweep,
  isSweepMetric,
  meanBaseline,
  SWEEP_METRICS,
  type SweepMetric,
} from './lib/sweep-points.ts';

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

const RUN_FIELDS = {
  id: true,
  status: true,
  fraction: true,
  share: true,
  seed: true,
  summary: true,
  progress: true,
} as const;

/** A two-way sweep is one curve per synthetic share; a one-way sweep is one curve. */
function curvesOf<R extends { share: number | null }>(s: {
  id: string;
  name: string;
  shares: number[];
  runs: R[];
}) {
  if (s.shares.length === 0)
    return [{ key: s.id, label: s.name, share: null as number | null, runs: s.runs }];
  return s.shares.map((share) => ({
    key: `${s.id}:${share}`,
    label: `${s.name} · ${percent(share)} synthetic`,
    share: share as number | null,
    runs: s.runs.filter((r) => r.share === share),
  }));
}

export async function SweepPage({ params, searchParams }: Props) {
  const { id } = await params;
  const sp = await searchParams;
  const one = (k: string) => (typeof sp[k] === 'string' ? (sp[k] as string) : undefined);
  const metric: SweepMetric = isSweepMetric(one('metric') ?? '') ? (one('metric') as SweepMetric) : 'mae';
  const spec = METRICS[metric];
  const logX = one('logx') !== '0';
  const targetText = one('target')?.trim() ?? '';
  const target = targetText !== '' && Number.isFinite(Number(targetText)) ? Number(targetText) : null;
  const overlayIds = (one('with') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && s !== id)
    .slice(0, 5);

  const [sweep, overlays, others] = await Promise.all([
    prisma.sweep.findUnique({
      where: { id },
      include: {
        dataset: { select: { id: true, name: true } },
        baseModel: { select: { id: true, name: true } },
        runs: { select: RUN_FIELDS },
      },
    }),
    prisma.sweep.findMany({ where: { id: { in: overlayIds } }, include: { runs: { select: RUN_FIELDS } } }),
    prisma.sweep.findMany({
      where: { id: { not: id } },
      orderBy: { createdAt: 'desc' },
      take: 12,
      select: { id: true, name: true },
    }),
  ]);
  if (!sweep) notFound();
  const all = [sweep, ...overlayIds.flatMap((oid) => overlays.filter((o) => o.id === oid))];
  const analysed = all
    .flatMap((s) => curvesOf(s).map((curve) => ({ s, curve })))
    .map(({ s, curve }, i) => {
      const agg = aggregateByFraction(curve.runs, metric, s.fractions);
      return {
        sweep: { ...s, id: curve.key, name: curve.label, runs: curve.runs },
        share: curve.share,
        sweepId: s.id,
        agg,
        result: fitSweep(agg, metric, target),
        color: PALETTE[i % PALETTE.length] as string,
      };
    });
  const shareComparison = compareShares(
    analysed
      .filter((a) => a.sweepId === id && a.share !== null)
      .map((a) => ({ share: a.share as number, aggregates: a.agg })),
    metric,
  );
  const primary = analysed[0] as (typeof analysed)[number];
  const done = sweep.runs.filter((r) => r.status === 'succeeded').length;
  const total = sweep.fractions.length * Math.max(1, sweep.shares.length) * sweep.seeds.length;
  const query = (patch: Record<string, string | null>) => {
    const base: Record<string, string> = { metric };
    if (!logX) base.logx = '0';
    if (target !== null) base.target = String(target);
    if (overlayIds.length) base.with = overlayIds.join(',');
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete base[k];
      else base[k] = v;
    }
    return `/sweeps/${id}?${new URLSearchParams(base)}`;
  };
  const series: SweepChartSeries[] = analysed.map(({ sweep: s, agg, result, color }) => ({
    id: s.id,
    label: s.name,
    color,
    seeds: agg.flatMap((a) =>
      a.trainRows === null ? [] : a.values.map((v) => ({ n: a.trainRows as number, value: v.value })),
    ),
    means: agg.flatMap((a) =>
      a.trainRows === null || a.mean === null ? [] : [{ n: a.trainRows, mean: a.mean, std: a.std ?? 0 }],
    ),
    fit: result.fit
      ? { curve: result.fit.band.curve, measuredMax: Math.max(...result.fit.sizes.map((z) => z.n)) }
      : null,
    baseline: agg.flatMap((a) =>
      a.trainRows === null || a.baseline === null ? [] : [{ n: a.trainRows, value: a.baseline }],
    ),
  }));
  const baselineName = baselineKind(sweep.runs) ?? 'reference predictor';
  const baselineLabel = `baseline: ${baselineName}`;
  const direction = spec.higherIsBetter ? 'higher is better' : 'lower is better';

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
          <a className="button" href={query({})}>
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
        <div className="row" style={{ marginBottom: 8, flexWrap: 'wrap' }}>
          <span className="muted">Metric:</span>
          {SWEEP_METRICS.filter(
            (m) => m === metric || aggregateByFraction(sweep.runs, m, sweep.fractions).some((a) => a.n > 0),
          ).map((m) => (
            <a
              key={m}
              href={query({ metric: m, target: null })}
              className={`badge ${m === metric ? 'running' : ''}`}
              title={METRICS[m].definition}
            >
              {METRICS[m].label}
            </a>
          ))}
          <a href={query({ logx: logX ? '0' : null })} className="small">
            {logX ? 'linear x' : 'log x'}
          </a>
          <span className="muted small">
            {sweep.dataset?.name} · {sweep.baseModel?.name} · {spec.definition}
          </span>
        </div>
        <form method="get" action={`/sweeps/${id}`} className="row" data-testid="target-form">
          <input type="hidden" name="metric" value={metric} />
          {!logX && <input type="hidden" name="logx" value="0" />}
          {overlayIds.length > 0 && <input type="hidden" name="with" value={overlayIds.join(',')} />}
          <label className="small" htmlFor="sweep-target">
            How many examples for {spec.label} {spec.higherIsBetter ? '≥' : '≤'}
          </label>
          <input
            id="sweep-target"
            name="target"
            type="number"
            step="any"
            defaultValue={target ?? ''}
            placeholder={spec.format === 'percent' ? 'e.g. 0.8' : 'e.g. 0.5'}
            style={{ width: 110 }}
          />
          <button type="submit">Answer</button>
          {spec.format === 'percent' && <span className="muted small">as a share: 0.8 = 80 %</span>}
        </form>
        {analysed
          .filter((a) => atBaseline(a.agg))
          .map((a) => (
            <div key={a.sweep.id} className="error-box small" data-testid="at-baseline">
              {analysed.length > 1 ? `${a.sweep.name}: ` : ''}Every size sits at the baseline ({baselineName})
              within seed noise: this sweep has not learned beyond the reference predictor, so its curve says
              nothing about what more data would do.
            </div>
          ))}
        {analysed.map(({ sweep: s, agg, result, color }, i) => (
          <ScalingAnswer
            key={s.id}
            testId={i === 0 ? 'scaling-answer' : undefined}
            label={analysed.length > 1 ? s.name : null}
            color={color}
            result={result}
            metric={metric}
            baseline={meanBaseline(agg)}
          />
        ))}
        <SweepChart
          series={series}
          metricLabel={spec.label}
          direction={direction}
          logX={logX}
          target={target}
          baselineLabel={baselineLabel}
          fileName={`${sweep.name.replace(/[^\w.-]+/g, '_')}-${spec.jsonKey}`}
        />
        {others.length > 0 && (
          <div className="row small" style={{ flexWrap: 'wrap' }} data-testid="overlay-picker">
            <span className="muted">Overlay:</span>
            {others.map((o) => {
              const on = overlayIds.includes(o.id);
              const next = on ? overlayIds.filter((x) => x !== o.id) : [...overlayIds, o.id];
              return (
                <a
                  key={o.id}
                  href={query({ with: next.length ? next.join(',') : null })}
                  className={`badge ${on ? 'running' : ''}`}
                >
                  {on ? '✓ ' : '+ '}
                  {o.name}
                </a>
              );
            })}
          </div>
        )}
      </div>
      {shareComparison && <ShareTable comparison={shareComparison} metric={metric} />}
      {analysed.map(({ sweep: s, agg, result }, i) => (
        <SweepNumbers
          key={s.id}
          testId={i === 0 ? 'sweep-aggregates' : undefined}
          title={`${spec.label} per size${analysed.length > 1 ? ` — ${s.name}` : ''}`}
          seeds={s.seeds.length}
          aggregates={agg}
          fit={result.fit ?? null}
          metric={metric}
        />
      ))}
      <div className="card">
        <h2>Runs</h2>
        <table className="data">
          <thead>
            <tr>
              <th className="num">Fraction</th>
              {sweep.shares.length > 0 && <th className="num">Synthetic</th>}
              <th className="num">Seed</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {[...sweep.runs]
              .sort(
                (a, b) =>
                  (a.fraction ?? 0) - (b.fraction ?? 0) ||
                  (a.share ?? 0) - (b.share ?? 0) ||
                  (a.seed ?? 0) - (b.seed ?? 0),
              )
              .map((r) => (
                <tr key={r.id}>
                  <td className="num">{fmtNum(r.fraction)}</td>
                  {sweep.shares.length > 0 && (
                    <td className="num">{r.share === null ? '' : percent(r.share)}</td>
                  )}
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
        {sweep.runs.length > 1 && primary && (
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
    </>
  );
}
