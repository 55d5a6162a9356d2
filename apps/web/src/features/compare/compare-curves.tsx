'use client';
import { useEffect, useState } from 'react';
import { ChartControls, ChartSettingsProvider, useChartSettings } from '../charts/chart-settings.tsx';
import { ItemSelect } from '../charts/item-select.tsx';
import { type ChartSeries, MetricChart, PALETTE } from '../charts/metric-chart.tsx';
import { evalSeriesKey } from '../runs/lib/run-series.ts';
import type { SeriesResult } from '../runs/lib/series-params.ts';

const CHARTS = [
  { key: 'train/loss', title: 'Training loss', smooth: true },
  { key: 'eval/mae', title: 'Eval MAE', smooth: false },
  { key: 'eval/rmse', title: 'Eval RMSE', smooth: false },
  { key: 'eval/flexible_accuracy', title: 'Eval flexible accuracy', smooth: false },
  { key: 'eval/accuracy', title: 'Eval accuracy', smooth: false },
] as const;

/** The charts for the means, or one item's eval curves (`eval/<item>/<metric>`; loss stays). */
function chartsFor(item: string | null) {
  if (item === null) return CHARTS.map((c) => ({ ...c }));
  return CHARTS.map((c) =>
    c.key.startsWith('eval/')
      ? { ...c, key: evalSeriesKey(c.key.slice('eval/'.length), item), title: `${c.title} · item ${item}` }
      : { ...c },
  );
}

/**
 * `strictAccuracy`: false when every run's labels are continuous (no strict accuracy chart).
 * `items`: the items of the multi-item runs; the eval curves then show the mean or one item.
 */
export function CompareCurves({
  runs,
  strictAccuracy = true,
  items = [],
}: {
  runs: { id: string; label: string }[];
  strictAccuracy?: boolean;
  items?: readonly string[];
}) {
  return (
    <ChartSettingsProvider>
      <Inner runs={runs} strictAccuracy={strictAccuracy} items={items} />
    </ChartSettingsProvider>
  );
}

function Inner({
  runs,
  strictAccuracy,
  items,
}: {
  runs: { id: string; label: string }[];
  strictAccuracy: boolean;
  items: readonly string[];
}) {
  const [item, setItem] = useState<string | null>(null);
  const all = chartsFor(item);
  const charts = all.filter((c) => strictAccuracy || c.key !== evalSeriesKey('accuracy', item));
  const { x } = useChartSettings();
  const [data, setData] = useState<Record<string, SeriesResult[]>>({});
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stop = false;
    const names = chartsFor(item)
      .map((c) => encodeURIComponent(c.key))
      .join(',');
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
  }, [runs, x, item]);

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
      <ItemSelect id="compare-item" items={items} value={item} onChange={setItem} />
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
              testId={`compare-${c.key.replaceAll('/', '-')}`}
            />
          ) : null;
        })}
      </div>
    </>
  );
}
