'use client';
import { useEffect, useState } from 'react';
import { ChartControls, ChartSettingsProvider, useChartSettings } from '../charts/chart-settings.tsx';
import { type ChartSeries, MetricChart, PALETTE } from '../charts/metric-chart.tsx';
import type { SeriesResult } from '../runs/lib/series-params.ts';

const CHARTS = [
  { key: 'train/loss', title: 'Training loss', smooth: true },
  { key: 'eval/mae', title: 'Eval MAE', smooth: false },
  { key: 'eval/rmse', title: 'Eval RMSE', smooth: false },
  { key: 'eval/flexible_accuracy', title: 'Eval flexible accuracy', smooth: false },
  { key: 'eval/accuracy', title: 'Eval accuracy', smooth: false },
] as const;

/** `strictAccuracy`: false when every run's labels are continuous (no strict accuracy chart). */
export function CompareCurves({
  runs,
  strictAccuracy = true,
}: {
  runs: { id: string; label: string }[];
  strictAccuracy?: boolean;
}) {
  return (
    <ChartSettingsProvider>
      <Inner runs={runs} strictAccuracy={strictAccuracy} />
    </ChartSettingsProvider>
  );
}

function Inner({ runs, strictAccuracy }: { runs: { id: string; label: string }[]; strictAccuracy: boolean }) {
  const charts = CHARTS.filter((c) => strictAccuracy || c.key !== 'eval/accuracy');
  const { x } = useChartSettings();
  const [data, setData] = useState<Record<string, SeriesResult[]>>({});
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stop = false;
    const names = CHARTS.map((c) => c.key).join(',');
    Promise.all(
      runs.map(async (r) => {
        const res = await fetch(`/api/runs/${r.id}/series?names=${names}&x=${x}&points=600`, {
          cache: 'no-store',
        });
        const body = (await res.json()) as { series?: SeriesResult[]; error?: string };
        if (!res.ok || !body.series) throw new Error(`run ${r.id}: ${body.error ?? res.status}`);
        return [r.id, body.series] as const;
      }),
    )
      .then((entries) => !stop && setData(Object.fromEntries(entries)))
      .catch((e) => !stop && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      stop = true;
    };
  }, [runs, x]);

  const seriesFor = (key: string): ChartSeries[] =>
    runs.flatMap((r, i) => {
      const s = data[r.id]?.find((d) => d.key === key);
      return s?.points.length
        ? [
            {
              key: r.id,
              label: r.label,
              color: PALETTE[i % PALETTE.length],
              points: s.points.map(([px, py]) => ({ x: px, y: py })),
            },
          ]
        : [];
    });
  return (
    <>
      <ChartControls />
      {error && <div className="error-box">{error}</div>}
      <div className="grid two" style={{ marginBottom: 14 }} data-testid="compare-curves">
        {charts.map((c) => {
          const s = seriesFor(c.key);
          return s.length ? (
            <MetricChart
              key={c.key}
              title={c.title}
              series={s}
              smooth={c.smooth}
              testId={`compare-${c.key.replace('/', '-')}`}
            />
          ) : null;
        })}
      </div>
    </>
  );
}
