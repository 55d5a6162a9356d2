'use client';
import { useMemo, useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
  ZAxis,
} from 'recharts';
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
  const references = models
    .filter((m) => m.role !== 'merged')
    .map(point)
    .filter((p) => p !== null);
  const front = useMemo(() => paretoFront(mergePoints, lower), [mergePoints, lower]);

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
        <h3>{metric} per dataset</h3>
        <ResponsiveContainer width="100%" height={300}>
          <BarChart data={bars}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="dataset" />
            <YAxis tickFormatter={fmt} />
            <Tooltip formatter={(v) => fmt(Number(v))} />
            <Legend />
            {models.map((m, i) => (
              <Bar key={m.id} dataKey={m.id} name={m.label} fill={PALETTE[i % PALETTE.length]} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      {datasets.length >= 2 && (
        <div className="chart-card" data-testid="merge-scatter">
          <h3>Domain A against domain B across merges of the same parents</h3>
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
          <ResponsiveContainer width="100%" height={340}>
            <ScatterChart>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis
                type="number"
                dataKey="x"
                name={datasets.find((d) => d.id === xId)?.name}
                tickFormatter={fmt}
                domain={['auto', 'auto']}
              />
              <YAxis
                type="number"
                dataKey="y"
                name={datasets.find((d) => d.id === yId)?.name}
                tickFormatter={fmt}
                domain={['auto', 'auto']}
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
              <Legend />
              <Scatter name="merges" data={mergePoints} fill={PALETTE[0]} />
              <Scatter
                name="Pareto front"
                data={front}
                line={{ stroke: PALETTE[2] }}
                fill={PALETTE[2]}
                shape="diamond"
              />
              <Scatter name="base and parents" data={references} fill={PALETTE[1]} shape="triangle" />
            </ScatterChart>
          </ResponsiveContainer>
          <p className="muted small">
            Pareto front: merges no other merge of these parents beats on both datasets ({front.length} of{' '}
            {mergePoints.length}).
          </p>
        </div>
      )}
    </>
  );
}
