'use client';
import { useMemo, useRef, useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  LabelList,
  Legend,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  ZAxis,
} from 'recharts';
import { csvCell } from '../../charts/chart-export.ts';
import { ExportTools } from '../../charts/export-tools.tsx';
import { PALETTE } from '../../charts/metric-chart.tsx';
import type { TScoredModel } from '../lib/merge-view.ts';
import { lowerIsBetter, paretoFront } from '../lib/pareto.ts';

interface Props {
  datasets: { id: string; name: string }[];
  metrics: string[];
  /** This merge's model, its base and its parents (grouped bars). */
  models: TScoredModel[];
  /** Merged models of every merge of the same parents, this one included (scatter). */
  siblings: TScoredModel[];
}

const fmt = (v: number) => Number(v.toPrecision(4)).toString();

/** Grouped bars per dataset, and the scatter of domain A against domain B with its Pareto front. */
export function MergeCharts({ datasets, metrics, models, siblings }: Props) {
  const [metric, setMetric] = useState(metrics[0] ?? 'mae');
  const [xId, setX] = useState(datasets[0]?.id ?? '');
  const [yId, setY] = useState(datasets[1]?.id ?? datasets[0]?.id ?? '');
  const lower = lowerIsBetter(metric);
  // A model without a head for these datasets (a masked-LM base) has no bar: named below, not in the legend.
  const scored = models.filter((m) => Object.keys(m.scores).length > 0);
  const unscored = models.filter((m) => !scored.includes(m));
  const bars = datasets.map((d) => {
    const row: Record<string, string | number> = { dataset: d.name };
    for (const m of models) {
      const v = m.scores[d.id]?.[metric];
      if (v !== undefined) row[m.id] = v;
    }
    return row;
  });
  const point = (m: TScoredModel) => {
    const x = m.scores[xId]?.[metric];
    const y = m.scores[yId]?.[metric];
    return x === undefined || y === undefined ? null : { id: m.id, label: m.label, x, y };
  };
  const mergePoints = siblings.map(point).filter((p) => p !== null);
  const rolePoints = (role: TScoredModel['role']) =>
    models
      .filter((m) => m.role === role)
      .map(point)
      .filter((p) => p !== null);
  const basePoints = rolePoints('base');
  const parentPoints = rolePoints('parent');
  // A front needs at least two merges to compare; one merge is just a point.
  const front = useMemo(
    () => (mergePoints.length >= 2 ? paretoFront(mergePoints, lower) : []),
    [mergePoints, lower],
  );
  const barsBox = useRef<HTMLDivElement>(null);
  const scatterBox = useRef<HTMLDivElement>(null);
  const xName = datasets.find((d) => d.id === xId)?.name ?? xId;
  const yName = datasets.find((d) => d.id === yId)?.name ?? yId;
  const barsCsv = () =>
    [
      'model,role,dataset,metric,value',
      ...models.flatMap((m) =>
        datasets
          .filter((d) => m.scores[d.id]?.[metric] !== undefined)
          .map((d) => [m.label, m.role, d.name, metric, m.scores[d.id]?.[metric]].map(csvCell).join(',')),
      ),
    ].join('\n');
  const scatterCsv = () =>
    [
      `model,role,${csvCell(`${xName} ${metric}`)},${csvCell(`${yName} ${metric}`)}`,
      ...[
        ...basePoints.map((p) => ({ ...p, role: 'base' })),
        ...parentPoints.map((p) => ({ ...p, role: 'parent' })),
        ...mergePoints.map((p) => ({ ...p, role: 'merge' })),
      ].map((p) => [p.label, p.role, p.x, p.y].map(csvCell).join(',')),
    ].join('\n');

  if (datasets.length === 0)
    return (
      <p className="muted">No evaluation yet: scores appear when the merge job has scored the models.</p>
    );
  return (
    <>
      <div className="chart-controls row">
        <label>
          Metric{' '}
          <select value={metric} onChange={(e) => setMetric(e.target.value)}>
            {metrics.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </label>
        <span className="muted small">{lower ? 'lower is better' : 'higher is better'}</span>
      </div>
      <div className="chart-card" data-testid="merge-bars">
        <div className="chart-head">
          <h3>{metric} per dataset</h3>
          <ExportTools
            target={barsBox}
            fileName={`merge-${metric}-per-dataset`}
            note={{ title: `${metric} per dataset`, xLabel: 'dataset', yLabel: metric }}
            csv={barsCsv}
          />
        </div>
        <div ref={barsBox}>
          <ResponsiveContainer width="100%" height={300}>
            <BarChart data={bars}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="dataset" />
              <YAxis tickFormatter={fmt} />
              <Tooltip formatter={(v) => fmt(Number(v))} />
              <Legend />
              {models.map((m, i) =>
                scored.includes(m) ? (
                  <Bar
                    isAnimationActive={false}
                    key={m.id}
                    dataKey={m.id}
                    name={m.label}
                    fill={PALETTE[i % PALETTE.length]}
                  />
                ) : null,
              )}
            </BarChart>
          </ResponsiveContainer>
        </div>
        {unscored.length > 0 && (
          <p className="muted small" data-testid="merge-unscored">
            Not scored: {unscored.map((m) => m.label).join(', ')} (no head for these datasets, e.g. a
            masked-LM base).
          </p>
        )}
      </div>
      {datasets.length >= 2 && (
        <div className="chart-card" data-testid="merge-scatter">
          <div className="chart-head">
            <h3>Domain A against domain B across merges of the same parents</h3>
            <ExportTools
              target={scatterBox}
              fileName={`merge-${metric}-scatter`}
              note={{
                title: `${metric}: ${xName} against ${yName}`,
                xLabel: `${xName} ${metric}`,
                yLabel: `${yName} ${metric}`,
              }}
              csv={scatterCsv}
            />
          </div>
          <div className="row">
            <label>
              x{' '}
              <select value={xId} onChange={(e) => setX(e.target.value)}>
                {datasets.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              y{' '}
              <select value={yId} onChange={(e) => setY(e.target.value)}>
                {datasets.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div ref={scatterBox}>
            <ResponsiveContainer width="100%" height={340}>
              <ScatterChart margin={{ top: 10, right: 20, bottom: 24, left: 10 }}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis
                  type="number"
                  dataKey="x"
                  name={xName}
                  tickFormatter={fmt}
                  domain={['auto', 'auto']}
                  label={{ value: `${xName} ${metric}`, position: 'insideBottom', offset: -14, fontSize: 11 }}
                />
                <YAxis
                  type="number"
                  dataKey="y"
                  name={yName}
                  tickFormatter={fmt}
                  domain={['auto', 'auto']}
                  label={{ value: `${yName} ${metric}`, angle: -90, position: 'insideLeft', fontSize: 11 }}
                />
                <ZAxis range={[60, 60]} />
                <Tooltip
                  formatter={(v) => fmt(Number(v))}
                  labelFormatter={() => ''}
                  content={({ payload }) => {
                    const p = payload?.[0]?.payload as { label?: string; x?: number; y?: number } | undefined;
                    return p ? (
                      <div className="card small">
                        <strong>{p.label}</strong>
                        <div>
                          {fmt(p.x ?? 0)}, {fmt(p.y ?? 0)}
                        </div>
                      </div>
                    ) : null;
                  }}
                />
                {/* padded so the x-axis title below the ticks is not covered by the legend */}
                <Legend wrapperStyle={{ paddingTop: 20 }} />
                <Scatter
                  isAnimationActive={false}
                  name={mergePoints.length === 1 ? 'merge' : 'merges'}
                  data={mergePoints}
                  fill={PALETTE[0]}
                >
                  {mergePoints.length <= 6 && <LabelList dataKey="label" position="right" fontSize={10} />}
                </Scatter>
                {front.length > 0 && (
                  <Scatter
                    isAnimationActive={false}
                    name="Pareto front"
                    data={front}
                    line={{ stroke: PALETTE[2] }}
                    fill={PALETTE[2]}
                    shape="diamond"
                  />
                )}
                {basePoints.length > 0 && (
                  <Scatter
                    isAnimationActive={false}
                    name="base"
                    data={basePoints}
                    fill="#5d6b7e"
                    shape="square"
                  >
                    <LabelList dataKey="label" position="right" fontSize={10} />
                  </Scatter>
                )}
                <Scatter
                  isAnimationActive={false}
                  name="parents"
                  data={parentPoints}
                  fill={PALETTE[1]}
                  shape="triangle"
                >
                  <LabelList dataKey="label" position="right" fontSize={10} />
                </Scatter>
              </ScatterChart>
            </ResponsiveContainer>
          </div>
          <p className="muted small" data-testid="merge-scatter-note">
            {front.length > 0
              ? `Pareto front: merges no other merge of these parents beats on both datasets (${front.length} of ${mergePoints.length}).`
              : 'One merge of these parents so far: launch more (a grid) to see which trade-offs are best on both datasets.'}
          </p>
        </div>
      )}
    </>
  );
}
