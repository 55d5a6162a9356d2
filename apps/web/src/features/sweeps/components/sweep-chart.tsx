'use client';
import { useRef } from 'react';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  ErrorBar,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  XAxis,
  YAxis,
} from 'recharts';
import { toCsv } from '../../charts/chart-export.ts';
import { ExportTools } from '../../charts/export-tools.tsx';

/** One sweep as drawn: the server computes the fit (core fitScaling) and hands plain numbers over. */
export interface SweepChartSeries {
  id: string;
  label: string;
  color: string;
  seeds: { n: number; value: number }[];
  means: { n: number; mean: number; std: number }[];
  /** Fitted curve with its band; `measuredMax` splits the solid (fitted) part from the dashed extrapolation. */
  fit: { curve: { n: number; value: number; lo: number; hi: number }[]; measuredMax: number } | null;
  baseline: { n: number; value: number }[];
}

const fmt = (v: number) => {
  if (Math.abs(v) >= 1e4) return `${Math.round(v / 100) / 10}k`;
  return Number(v.toPrecision(3)).toString();
};

/**
 * Metric against training examples: every seed's point, mean ± std per size, the fitted curve
 * (dashed beyond the largest measured size) with its bootstrap band, the reference predictor as a
 * grey dashed line, and the target as a red line. Several sweeps overlay in their own colours.
 */
export function SweepChart({
  series,
  metricLabel,
  direction,
  logX,
  target,
  baselineLabel,
  fileName,
}: {
  series: SweepChartSeries[];
  metricLabel: string;
  direction: string;
  logX: boolean;
  target: number | null;
  baselineLabel: string;
  fileName: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const seedCount = series.reduce((t, s) => t + s.seeds.length, 0);
  if (seedCount === 0)
    return <div className="empty">No finished runs yet: the chart fills in as runs succeed.</div>;
  const csv = () =>
    toCsv(
      series.flatMap((s) => [
        { label: `${s.label} seed`, points: s.seeds.map((p) => ({ x: p.n, y: p.value })) },
        { label: `${s.label} mean`, points: s.means.map((p) => ({ x: p.n, y: p.mean })) },
        { label: `${s.label} std`, points: s.means.map((p) => ({ x: p.n, y: p.std })) },
        { label: `${s.label} fit`, points: (s.fit?.curve ?? []).map((p) => ({ x: p.n, y: p.value })) },
        { label: `${s.label} band low`, points: (s.fit?.curve ?? []).map((p) => ({ x: p.n, y: p.lo })) },
        { label: `${s.label} band high`, points: (s.fit?.curve ?? []).map((p) => ({ x: p.n, y: p.hi })) },
        { label: `${s.label} baseline`, points: s.baseline.map((p) => ({ x: p.n, y: p.value })) },
      ]),
      'n',
    );
  const many = series.length > 1;
  // the measured sizes and the end of the extrapolation: recharts' own log ticks are sparse
  const ticks = [
    ...new Set([
      ...series.flatMap((s) => s.means.map((m) => m.n)),
      ...series.flatMap((s) => s.fit?.curve.slice(-1).map((p) => p.n) ?? []),
    ]),
  ].sort((a, b) => a - b);
  return (
    <div className="chart-card" data-testid="sweep-chart" data-fits={series.filter((s) => s.fit).length}>
      <div className="chart-head">
        <h2>
          {metricLabel} by training examples <span className="muted small">({direction})</span>
        </h2>
        <ExportTools
          target={box}
          fileName={fileName}
          note={{
            title: `${metricLabel} by training examples`,
            xLabel: 'training examples',
            yLabel: metricLabel,
          }}
          csv={csv}
        />
      </div>
      <div ref={box} style={{ width: '100%', height: 380 }}>
        <ResponsiveContainer>
          <ComposedChart margin={{ top: 8, right: 20, bottom: 22, left: 8 }}>
            <CartesianGrid stroke="#eef1f5" />
            <XAxis
              dataKey="n"
              type="number"
              scale={logX ? 'log' : 'linear'}
              domain={['dataMin', 'dataMax']}
              allowDuplicatedCategory={false}
              ticks={ticks}
              tickFormatter={fmt}
              fontSize={11}
              label={{ value: 'training examples (n)', position: 'insideBottom', offset: -10, fontSize: 11 }}
            />
            <YAxis
              fontSize={11}
              width={60}
              domain={['auto', 'auto']}
              tickFormatter={fmt}
              label={{ value: metricLabel, angle: -90, position: 'insideLeft', fontSize: 11, dx: 4 }}
            />
            <Legend verticalAlign="top" height={28} wrapperStyle={{ fontSize: 11 }} />
            {series.flatMap((s) => {
              const name = (what: string) => (many ? `${s.label}: ${what}` : what);
              const fitted = s.fit?.curve.filter((p) => p.n <= (s.fit?.measuredMax ?? 0)) ?? [];
              const beyond = s.fit?.curve.filter((p) => p.n >= (s.fit?.measuredMax ?? 0)) ?? [];
              const band = (s.fit?.curve ?? []).map((p) => ({ n: p.n, band: [p.lo, p.hi] }));
              return [
                s.fit && (
                  <Area
                    key={`${s.id}-band`}
                    data={band}
                    dataKey="band"
                    name={name('95 % band of the fit')}
                    stroke="none"
                    fill={s.color}
                    fillOpacity={0.14}
                    isAnimationActive={false}
                  />
                ),
                s.fit && (
                  <Line
                    key={`${s.id}-fit`}
                    data={fitted}
                    dataKey="value"
                    name={name('fit a·n^(−b) + c')}
                    stroke={s.color}
                    strokeWidth={2}
                    dot={false}
                    isAnimationActive={false}
                  />
                ),
                s.fit && (
                  <Line
                    key={`${s.id}-beyond`}
                    data={beyond}
                    dataKey="value"
                    name={name('extrapolated')}
                    stroke={s.color}
                    strokeWidth={1.5}
                    strokeDasharray="5 4"
                    dot={false}
                    legendType="none"
                    isAnimationActive={false}
                  />
                ),
                s.baseline.length > 0 && (
                  <Line
                    key={`${s.id}-baseline`}
                    data={s.baseline}
                    dataKey="value"
                    name={name(baselineLabel)}
                    stroke="#7b8595"
                    strokeWidth={1.5}
                    strokeDasharray="2 3"
                    dot={{ r: 2 }}
                    isAnimationActive={false}
                  />
                ),
                <Scatter
                  key={`${s.id}-seeds`}
                  data={s.seeds}
                  dataKey="value"
                  name={name('one seed')}
                  fill={s.color}
                  fillOpacity={0.35}
                  shape="circle"
                  isAnimationActive={false}
                />,
                <Scatter
                  key={`${s.id}-means`}
                  data={s.means}
                  dataKey="mean"
                  name={name('mean ± std')}
                  fill={s.color}
                  stroke={s.color}
                  shape="diamond"
                  isAnimationActive={false}
                >
                  <ErrorBar dataKey="std" direction="y" width={6} stroke={s.color} />
                </Scatter>,
              ].filter(Boolean);
            })}
            {target !== null && (
              <ReferenceLine
                y={target}
                ifOverflow="extendDomain"
                stroke="#d64545"
                strokeDasharray="6 3"
                label={{
                  value: `target ${fmt(target)}`,
                  position: 'insideTopRight',
                  fontSize: 11,
                  fill: '#d64545',
                }}
              />
            )}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}
