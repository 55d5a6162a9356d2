'use client';
import { emaPoints, type SeriesPoint } from '@tunelab/core/series';
import { useMemo, useRef } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { toCsv } from './chart-export.ts';
import { useChartSettings, xAxisLabel } from './chart-settings.tsx';
import { ExportTools } from './export-tools.tsx';
import { PALETTE } from './palette.ts';

// re-exported for the charts that import it from here; server components import ./palette.ts
export { PALETTE };

export interface ChartSeries {
  key: string;
  label: string;
  points: SeriesPoint[];
  color?: string;
}

interface Props {
  title: string;
  series: ChartSeries[];
  /** Smooth with the page's EMA weight (step curves); per-epoch eval curves are drawn raw with dots. */
  smooth?: boolean;
  height?: number;
  fileName?: string;
  testId?: string;
}

const fmt = (v: number) => {
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return v.toLocaleString('en-US');
  if (Math.abs(v) >= 1e5 || (Math.abs(v) < 0.001 && v !== 0)) return v.toExponential(2);
  return Number(v.toPrecision(4)).toString();
};

export function MetricChart({ title, series, smooth = true, height = 240, fileName, testId }: Props) {
  const { smoothing, x, logY } = useChartSettings();
  const box = useRef<HTMLDivElement>(null);
  const name = fileName ?? title.replace(/[^\w.-]+/g, '_');

  const drawn = useMemo(() => {
    const keep = (p: SeriesPoint) => Number.isFinite(p.y) && (!logY || p.y > 0);
    return series.map((s, i) => {
      const color = s.color ?? PALETTE[i % PALETTE.length];
      const raw = s.points.filter(keep);
      const smoothed =
        smooth && smoothing > 0 && raw.length > 2 ? emaPoints(raw, smoothing).filter(keep) : null;
      return { ...s, color, raw, smoothed };
    });
  }, [series, smooth, smoothing, logY]);

  const total = drawn.reduce((n, s) => n + s.raw.length, 0);
  return (
    <div className="chart-card" data-testid={testId} data-points={total}>
      <div className="chart-head">
        <h2>{title}</h2>
        <ExportTools
          target={box}
          fileName={name}
          note={{ title, yLabel: drawn.length === 1 ? drawn[0]?.label : title }}
          csv={() =>
            toCsv(
              drawn.map((s) => ({ label: s.label, points: s.raw })),
              x,
            )
          }
        />
      </div>
      <div ref={box} style={{ width: '100%', height }}>
        {total === 0 ? (
          <div className="empty" style={{ height: '100%', display: 'grid', placeItems: 'center' }}>
            No points yet
          </div>
        ) : (
          <ResponsiveContainer width="100%" height="100%">
            <LineChart margin={{ top: 6, right: 12, bottom: 14, left: 0 }}>
              <CartesianGrid stroke="#eef1f5" />
              <XAxis
                dataKey="x"
                type="number"
                domain={['dataMin', 'dataMax']}
                tickFormatter={fmt}
                fontSize={11}
                allowDuplicatedCategory={false}
                label={{
                  value: xAxisLabel(x),
                  position: 'insideBottom',
                  offset: -6,
                  fontSize: 11,
                  fill: '#5b6778',
                }}
              />
              <YAxis
                type="number"
                scale={logY ? 'log' : 'auto'}
                domain={['auto', 'auto']}
                tickFormatter={fmt}
                fontSize={11}
                width={56}
                allowDataOverflow
              />
              <Tooltip
                formatter={(v) => (typeof v === 'number' ? fmt(v) : String(v))}
                labelFormatter={(v) => `${xAxisLabel(x)} ${typeof v === 'number' ? fmt(v) : v}`}
                contentStyle={{ fontSize: 12 }}
              />
              {drawn.length > 1 && (
                <Legend verticalAlign="bottom" wrapperStyle={{ fontSize: 11, paddingTop: 12 }} />
              )}
              {drawn.map((s) =>
                s.smoothed
                  ? [
                      <Line
                        key={`${s.key}-raw`}
                        data={s.raw}
                        dataKey="y"
                        name={`${s.label} (raw)`}
                        stroke={s.color}
                        strokeOpacity={0.22}
                        dot={false}
                        isAnimationActive={false}
                        legendType="none"
                        strokeWidth={1}
                      />,
                      <Line
                        key={s.key}
                        data={s.smoothed}
                        dataKey="y"
                        name={s.label}
                        stroke={s.color}
                        dot={false}
                        isAnimationActive={false}
                        strokeWidth={1.6}
                      />,
                    ]
                  : [
                      <Line
                        key={s.key}
                        data={s.raw}
                        dataKey="y"
                        name={s.label}
                        stroke={s.color}
                        dot={s.raw.length <= 60 ? { r: 2.5 } : false}
                        isAnimationActive={false}
                        strokeWidth={1.6}
                      />,
                    ],
              )}
            </LineChart>
          </ResponsiveContainer>
        )}
      </div>
    </div>
  );
}
