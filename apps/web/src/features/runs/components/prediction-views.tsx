'use client';
import {
  CartesianGrid,
  ReferenceLine,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

export interface PredictionRow {
  index: number;
  label: number;
  prediction: number;
  text?: string;
}

/** Prediction vs label: points on the diagonal are right; the band shows the tolerance k. */
export function ResidualPlot({ rows, tolerance }: { rows: PredictionRow[]; tolerance: number }) {
  const data = rows.map((r) => ({ x: r.label, y: r.prediction }));
  const lo = Math.min(...data.map((d) => Math.min(d.x, d.y)));
  const hi = Math.max(...data.map((d) => Math.max(d.x, d.y)));
  return (
    <div style={{ width: '100%', height: 280 }} data-testid="residual-plot">
      <ResponsiveContainer>
        <ScatterChart margin={{ top: 8, right: 12, bottom: 18, left: 0 }}>
          <CartesianGrid stroke="#eef1f5" />
          <XAxis
            type="number"
            dataKey="x"
            name="label"
            domain={[lo, hi]}
            fontSize={11}
            label={{ value: 'label', position: 'insideBottom', offset: -8, fontSize: 11 }}
          />
          <YAxis type="number" dataKey="y" name="prediction" domain={[lo, hi]} fontSize={11} width={44} />
          <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : String(v))} />
          <ReferenceLine
            segment={[
              { x: lo, y: lo },
              { x: hi, y: hi },
            ]}
            stroke="#2c8a4b"
            ifOverflow="hidden"
          />
          <ReferenceLine
            segment={[
              { x: lo, y: lo + tolerance },
              { x: hi, y: hi + tolerance },
            ]}
            stroke="#2c8a4b"
            strokeDasharray="4 4"
            ifOverflow="hidden"
          />
          <ReferenceLine
            segment={[
              { x: lo, y: lo - tolerance },
              { x: hi, y: hi - tolerance },
            ]}
            stroke="#2c8a4b"
            strokeDasharray="4 4"
            ifOverflow="hidden"
          />
          <Scatter data={data} fill="#2f6fde" fillOpacity={0.45} isAnimationActive={false} />
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}
