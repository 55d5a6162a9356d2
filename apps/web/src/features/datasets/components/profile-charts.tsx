'use client';

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

interface TBin {
  label: string;
  count: number;
}

/** Label histogram: all rows, or stacked per split so a skewed split stands out. */
export function LabelHistogram({ bins, bySplit }: { bins: TBin[]; bySplit?: Record<string, TBin[]> }) {
  const data = bins.map((bin, i) => ({
    label: bin.label,
    train: bySplit?.train?.[i]?.count ?? 0,
    eval: bySplit?.eval?.[i]?.count ?? 0,
    test: bySplit?.test?.[i]?.count ?? 0,
    count: bin.count,
  }));
  return (
    <div className="ds-chart" data-testid="label-histogram">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" tick={{ fontSize: 11 }} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={44} />
          <Tooltip />
          {bySplit ? (
            <>
              <Legend wrapperStyle={{ fontSize: 12 }} />
              <Bar dataKey="train" stackId="s" fill="#2f6fde" isAnimationActive={false} />
              <Bar dataKey="eval" stackId="s" fill="#b7791f" isAnimationActive={false} />
              <Bar dataKey="test" stackId="s" fill="#2c8a4b" isAnimationActive={false} />
            </>
          ) : (
            <Bar dataKey="count" fill="#2f6fde" isAnimationActive={false} />
          )}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export function LengthHistogram({ bins }: { bins: TBin[] }) {
  return (
    <div className="ds-chart" data-testid="length-histogram">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={bins} margin={{ top: 8, right: 8, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="label"
            tick={{ fontSize: 11 }}
            label={{ value: 'words', position: 'insideBottomRight', offset: -2, fontSize: 11 }}
          />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} width={44} />
          <Tooltip />
          <Bar dataKey="count" fill="#5b6778" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
