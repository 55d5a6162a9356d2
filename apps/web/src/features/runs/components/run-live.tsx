'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { StatusBadge } from '../../../common/components/status-badge.tsx';
import { fmtDuration } from '../../../common/format.ts';
import { ChartControls, ChartSettingsProvider, useChartSettings } from '../../charts/chart-settings.tsx';
import { ItemSelect } from '../../charts/item-select.tsx';
import { type ChartSeries, MetricChart } from '../../charts/metric-chart.tsx';
import { evalCharts as chartsFor, runSeriesLabel, runSeriesNames } from '../lib/run-series.ts';
import type { RunSnapshot } from '../lib/run-snapshot.ts';
import type { SeriesResult } from '../lib/series-params.ts';

/**
 * `strictAccuracy`: false for continuous labels, where round(prediction) = label is meaningless.
 * `items`: a multi-item scale's item names; the eval charts then show the mean or one item.
 */
export function RunLive({
  initial,
  charts = true,
  strictAccuracy = true,
  items = [],
}: {
  initial: RunSnapshot;
  charts?: boolean;
  strictAccuracy?: boolean;
  items?: readonly string[];
}) {
  return (
    <ChartSettingsProvider>
      <RunLiveInner initial={initial} charts={charts} strictAccuracy={strictAccuracy} items={items} />
    </ChartSettingsProvider>
  );
}

function RunLiveInner({
  initial,
  charts,
  strictAccuracy,
  items,
}: {
  initial: RunSnapshot;
  charts: boolean;
  strictAccuracy: boolean;
  items: readonly string[];
}) {
  const router = useRouter();
  const [snap, setSnap] = useState(initial);
  const [logs, setLogs] = useState(initial.logs);
  const [series, setSeries] = useState<SeriesResult[]>([]);
  const [seriesError, setSeriesError] = useState<string | null>(null);
  const [item, setItem] = useState<string | null>(null);
  const { x } = useChartSettings();
  const final = ['succeeded', 'failed', 'cancelled'].includes(snap.status);
  const wasFinal = useRef(final);

  useEffect(() => {
    if (wasFinal.current) return;
    const es = new EventSource(`/api/runs/${initial.id}/events`);
    es.addEventListener('snapshot', (e) => {
      const next = JSON.parse((e as MessageEvent).data) as RunSnapshot;
      setSnap(next);
      if (next.logs.length) {
        setLogs((old) => {
          const seen = new Set(old.map((l) => l.ts + l.message));
          return [...old, ...next.logs.filter((l) => !seen.has(l.ts + l.message))].slice(-500);
        });
      }
    });
    es.addEventListener('end', () => {
      es.close();
      // server-rendered parts (final metrics, predictions, result model) appear now
      router.refresh();
    });
    return () => es.close();
  }, [initial.id, router]);

  const metricPoints = snap.metricPoints;
  useEffect(() => {
    let stop = false;
    void metricPoints;
    const names = runSeriesNames(item).map(encodeURIComponent).join(',');
    fetch(`/api/runs/${initial.id}/series?names=${names}&x=${x}&points=1000`, { cache: 'no-cache' })
      .then(async (r) => {
        const body = (await r.json()) as { series?: SeriesResult[]; error?: string };
        if (!r.ok || !body.series) throw new Error(body.error ?? `series API answered ${r.status}`);
        if (!stop) {
          setSeries(body.series);
          setSeriesError(null);
        }
      })
      .catch((e) => !stop && setSeriesError(e instanceof Error ? e.message : String(e)));
    return () => {
      stop = true;
    };
  }, [initial.id, x, metricPoints, item]);

  const pick = (...keys: string[]): ChartSeries[] =>
    keys.flatMap((k) => {
      const s = series.find((r) => r.key === k);
      return s?.points.length
        ? [{ key: k, label: runSeriesLabel(k, item), points: s.points.map(([px, py]) => ({ x: px, y: py })) }]
        : [];
    });
  const lossPoints = series.find((s) => s.key === 'train/loss')?.total ?? 0;
  const evalCharts = chartsFor(item, strictAccuracy).filter((c) => pick(...c.keys).length > 0);

  return (
    <>
      <div className="card" data-testid="run-progress">
        <div className="row">
          <StatusBadge status={snap.status} />
          {snap.cancelRequested && !final && <span className="badge cancelled">cancel requested</span>}
          {snap.status === 'queued' && (
            <span className="muted">
              {snap.queuePosition ? `position ${snap.queuePosition} in the queue` : 'waiting for a worker'}
            </span>
          )}
          {snap.workerId && (
            <span className="muted small">
              worker <span className="mono">{snap.workerId}</span> · backend{' '}
              <strong>{snap.backend ?? '?'}</strong>
            </span>
          )}
          <div className="progress" title={`${Math.round(snap.progress * 100)}%`}>
            <div style={{ width: `${Math.min(100, snap.progress * 100)}%` }} />
          </div>
          <span className="mono" data-testid="run-progress-pct">
            {Math.round(snap.progress * 100)}%
          </span>
          {snap.status === 'running' && <span className="muted">ETA {fmtDuration(snap.etaSeconds)}</span>}
          <span className="muted small">
            step <span data-testid="run-last-step">{snap.lastStep ?? 0}</span> · {metricPoints} points
          </span>
        </div>
        {snap.error && <div className="error-box">{snap.error}</div>}
      </div>
      {charts && <ChartControls />}
      {charts && <ItemSelect id="chart-item" items={items} value={item} onChange={setItem} />}
      {charts && seriesError && <div className="error-box">{seriesError}</div>}
      <div className="grid two" style={{ marginBottom: 14, display: charts ? undefined : 'none' }}>
        <MetricChart
          title={`Training loss (${lossPoints} steps)`}
          series={pick('train/loss')}
          testId="chart-train-loss"
          fileName={`run-${initial.id}-loss`}
        />
        {evalCharts.map((c) => (
          <MetricChart
            key={c.title}
            title={c.title}
            series={pick(...c.keys)}
            smooth={false}
            testId={`chart-${c.keys[0]?.replaceAll('/', '-')}`}
            fileName={`run-${initial.id}-${c.keys[0]?.replaceAll('/', '-')}`}
          />
        ))}
        <MetricChart title="Learning rate" series={pick('train/lr')} smooth={false} height={160} />
      </div>
      <div className="card">
        <h2>Logs</h2>
        <div className="logs" data-testid="run-logs">
          {logs.length === 0 && <span className="muted">No log lines yet.</span>}
          {logs.map((l) => (
            <div key={l.ts + l.message} className={l.level}>
              {l.ts.slice(11, 19)} {l.level.padEnd(5)} {l.message}
            </div>
          ))}
        </div>
      </div>
    </>
  );
}
