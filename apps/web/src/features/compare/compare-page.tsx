import { ZRunSummary } from '@tunelab/core/dashboard';
import { EVAL_METRIC_KEYS, METRICS } from '@tunelab/core/metrics';
import { datasetItems, prisma } from '@tunelab/db';
import { StatusBadge } from '../../common/components/status-badge.tsx';
import { fmtMetric, fmtPct, runLabel } from '../../common/format.ts';
import { hasIntegerLabels, shownMetric } from '../runs/lib/metric-view.ts';
import { CompareCurves } from './compare-curves.tsx';
import { bestPerColumn, itemFigures, runFigures } from './compare-figures.ts';

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Metric columns and which direction is better (from the metrics table), plus error reduction. */
const COLUMNS = [
  ...EVAL_METRIC_KEYS.map((k) => ({
    key: k,
    label: METRICS[k].shortLabel,
    better: (METRICS[k].higherIsBetter ? 'max' : 'min') as 'max' | 'min',
    fmt: (v: unknown) => fmtMetric(k, v),
  })),
  { key: 'errorReduction', label: 'Err. red. (MAE)', better: 'max', fmt: fmtPct },
] as const;

export async function ComparePage({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams;
  const ids = (typeof sp.ids === 'string' ? sp.ids : '').split(',').filter(Boolean).slice(0, 12);
  if (ids.length === 0) {
    return (
      <>
        <h1>Compare runs</h1>
        <div className="card empty">
          Select two or more runs in the <a href="/runs">runs table</a> and press Compare.
        </div>
      </>
    );
  }
  const found = await prisma.run.findMany({
    where: { id: { in: ids } },
    include: {
      dataset: { select: { name: true, task: true, items: true } },
      model: { select: { name: true } },
      merge: { select: { id: true, name: true, method: true } },
    },
  });
  const runs = ids.flatMap((id) => found.filter((r) => r.id === id));
  const missing = ids.filter((id) => !found.some((r) => r.id === id));
  const values = runs.map((r) => runFigures(r.summary));
  // The reference every error-reduction figure is measured against, named beside it.
  const references = runs.map((r) => {
    const s = ZRunSummary.safeParse(r.summary);
    return s.success ? s.data.reference?.kind : undefined;
  });
  const best = bestPerColumn(values, COLUMNS);
  // Strict accuracy only where some run's labels are whole numbers (see metric-view.ts).
  const datasetIds = [...new Set(runs.map((r) => r.datasetId).filter((id): id is string => id !== null))];
  const integer = await Promise.all(datasetIds.map(hasIntegerLabels));
  const strictAccuracy = runs.some((r) =>
    shownMetric('accuracy', r.dataset?.task, integer[datasetIds.indexOf(r.datasetId ?? '')] ?? true),
  );
  const shown = COLUMNS.filter(
    (c) => values.some((v) => typeof v[c.key] === 'number') && (strictAccuracy || c.key !== 'accuracy'),
  );
  const perItem = itemFigures(
    runs.map((r) => r.summary),
    shown,
  );
  // every item of the compared runs' datasets (also of runs still training), then the summaries'
  const items = [
    ...new Set([
      ...runs.flatMap((r) => (r.dataset ? (datasetItems(r.dataset) ?? []).map((i) => i.name) : [])),
      ...perItem.map((row) => row.item),
    ]),
  ];
  const paramKeys = [...new Set(runs.flatMap((r) => Object.keys(r.params as object)))].sort();
  const context = (r: (typeof runs)[number]) => ({
    dataset: r.dataset?.name ?? '—',
    'base model': r.model?.name ?? '—',
  });
  const rowsForParams = [
    ...['dataset', 'base model'].map((k) => ({
      key: k,
      vals: runs.map((r) => String(context(r)[k as 'dataset'])),
    })),
    ...paramKeys.map((k) => ({
      key: k,
      vals: runs.map((r) => JSON.stringify((r.params as Record<string, unknown>)[k])),
    })),
  ];
  const label = (r: (typeof runs)[number]) => runLabel(r);

  return (
    <>
      <div className="page-head">
        <h1>Compare {runs.length} runs</h1>
      </div>
      {missing.length > 0 && <div className="error-box">Runs not found: {missing.join(', ')}</div>}
      <div className="card">
        <h2>Final metrics (best per column in green)</h2>
        <table className="data" data-testid="compare-metrics">
          <thead>
            <tr>
              <th>Run</th>
              <th>Status</th>
              {shown.map((c) => (
                <th key={c.key} className="num">
                  {c.label} {c.better === 'min' ? '↓' : '↑'}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {runs.map((r, i) => (
              <tr key={r.id}>
                <td>
                  <a href={`/runs/${r.id}`}>{label(r)}</a>
                  {r.merge && (
                    <div className="muted small">
                      scored per dataset on <a href={`/merges/${r.merge.id}`}>its merge page</a>
                    </div>
                  )}
                </td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                {shown.map((c) => {
                  const v = values[i]?.[c.key];
                  const isBest = typeof v === 'number' && v === best[c.key] && runs.length > 1;
                  return (
                    <td key={c.key} className={`num ${isBest ? 'best' : ''}`} data-best={isBest || undefined}>
                      {c.fmt(v)}
                      {c.key === 'errorReduction' && typeof v === 'number' && references[i] && (
                        <div className="muted small" data-testid="compare-reference">
                          vs {references[i]}
                        </div>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {perItem.length > 0 && (
        <div className="card">
          <h2>Per item (best per item and column in green)</h2>
          <table className="data" data-testid="compare-items">
            <thead>
              <tr>
                <th>Item</th>
                <th>Run</th>
                {shown.map((c) => (
                  <th key={c.key} className="num">
                    {c.label} {c.better === 'min' ? '↓' : '↑'}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {perItem.flatMap(({ item, values: itemValues, best: itemBest }) => {
                const present = runs.flatMap((r, i) => {
                  const figures = itemValues[i];
                  return figures ? [{ r, i, figures }] : [];
                });
                return present.map(({ r, i, figures }, j) => (
                  <tr key={`${item}-${r.id}`} data-testid={`compare-item-${item}`}>
                    {j === 0 && (
                      <th rowSpan={present.length} style={{ verticalAlign: 'top' }}>
                        {item}
                      </th>
                    )}
                    <td>
                      <a href={`/runs/${r.id}`}>{label(r)}</a>
                    </td>
                    {shown.map((c) => {
                      const v = figures[c.key];
                      const isBest = typeof v === 'number' && v === itemBest[c.key] && present.length > 1;
                      return (
                        <td
                          key={c.key}
                          className={`num ${isBest ? 'best' : ''}`}
                          data-best={isBest || undefined}
                        >
                          {c.fmt(v)}
                          {c.key === 'errorReduction' && typeof v === 'number' && references[i] && (
                            <div className="muted small">vs {references[i]}</div>
                          )}
                        </td>
                      );
                    })}
                  </tr>
                ));
              })}
            </tbody>
          </table>
        </div>
      )}
      <CompareCurves
        runs={runs.map((r) => ({ id: r.id, label: label(r) }))}
        strictAccuracy={strictAccuracy}
        items={items}
      />
      <div className="card">
        <h2>Parameters (differences highlighted)</h2>
        <div className="table-scroll">
          <table className="data wrap-head" data-testid="compare-params">
            <thead>
              <tr>
                <th>Parameter</th>
                {runs.map((r) => (
                  <th key={r.id}>{label(r)}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rowsForParams.map((row) => {
                const differs = new Set(row.vals).size > 1;
                return (
                  <tr key={row.key} data-differs={differs || undefined}>
                    <td className="mono">{row.key}</td>
                    {row.vals.map((v, i) => (
                      <td key={runs[i]?.id} className={`mono ${differs ? 'diff' : ''}`}>
                        {v ?? '—'}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </div>
    </>
  );
}
