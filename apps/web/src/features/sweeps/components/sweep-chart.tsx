'use client';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Scatter,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { FractionAggregate } from '../lib/sweep-points.ts';

/** Metric vs training fraction: mean across seeds, min–max band, one dot per seed. */
export function SweepChart({
  data,
  label,
  logX,
}: {
  data: FractionAggregate[];
  label: string;
  logX: boolean;
}) {
  const rows = data
    .filter((d) => d.mean !== null)
    .map((d) => ({
      fraction: d.fraction,
      mean: d.mean,
      band: [d.min, d.max] as [number | null, number | null],
    }));
  const dots = data.flatMap((d) => d.values.map((v) => ({ fraction: d.fraction, value: v.value })));
  if (rows.length === 0)
    return <div className="empty">No finished runs yet: the chart fills in as runs succeed.</div>;
  return (
    <div style={{ width: '100%', height: 340 }} data-testid="sweep-chart">
      <ResponsiveContainer>
        <ComposedChart data={rows} margin={{ top: 8, right: 16, bottom: 18, left: 0 }}>
          <CartesianGrid stroke="#eef1f5" />
          <XAxis
            dataKey="fraction"
            type="number"
            scale={logX ? 'log' : 'linear'}
            domain={logX ? ['auto', 'auto'] : [0, 1]}
            ticks={data.map((d) => d.fraction)}
            tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
            fontSize={11}
            label={{ value: 'fraction of training rows', position: 'insideBottom', offset: -8, fontSize: 11 }}
          />
          <YAxis fontSize={11} width={54} domain={['auto', 'auto']} />
          <Tooltip
            formatter={(v) =>
              Array.isArray(v) ? v.map((x) => Number(x).toFixed(4)).join(' – ') : Number(v).toFixed(4)
            }
          />
          <Legend verticalAlign="top" height={22} wrapperStyle={{ fontSize: 11 }} />
          <Area
            dataKey="band"
            name="seed spread (min–max)"
            stroke="none"
            fill="#2f6fde"
            fillOpacity={0.15}
            isAnimationActive={false}
          />
          <Line
            dataKey="mean"
            name={`${label} (mean over seeds)`}
            stroke="#2f6fde"
            strokeWidth={2}
            isAnimationActive={false}
          />
          <Scatter data={dots} dataKey="value" name="one seed" fill="#e0762f" isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
