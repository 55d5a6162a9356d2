import { ZRunSummary } from '@tunelab/core/dashboard';
import { EVAL_METRIC_KEYS, METRICS, SCORING_DEFINITIONS } from '@tunelab/core/metrics';
import { datasetItems } from '@tunelab/db';
import { notFound } from 'next/navigation';
import { fmtDuration, fmtMetric, fmtNum, fmtPct, runDurationSeconds, runLabel } from '../../common/format.ts';
import { ItemActions } from '../housekeeping/item-actions.tsx';
import { ConfusionMatrix } from './components/confusion-matrix.tsx';
import { CvFolds } from './components/cv-folds.tsx';
import { type PredictionRow, ResidualPlot } from './components/prediction-views.tsx';
import { RunActions } from './components/run-actions.tsx';
import { RunLive } from './components/run-live.tsx';
import { TrainOrigins } from './components/train-origins.tsx';
import { hasIntegerLabels, metricsTitle, referenceName, shownMetric } from './lib/metric-view.ts';
import { findRunPageRow } from './lib/run-page-query.ts';
import { runSnapshot } from './lib/run-snapshot.ts';

const METRIC_LABELS: [string, string, (v: unknown) => string][] = [...EVAL_METRIC_KEYS, 'loss' as const].map(
  (k) => [k, METRICS[k].label, (v: unknown) => fmtMetric(k, v)],
);

export async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const run = await findRunPageRow(id);
  if (!run) notFound();
  const [snapshot, integerLabels] = await Promise.all([
    runSnapshot(id),
    run.dataset ? hasIntegerLabels(run.dataset.id) : true,
  ]);
  if (!snapshot) notFound();
  const summary = ZRunSummary.safeParse(run.summary);
  const predictions = ((run.evaluations[0]?.predictions ?? []) as unknown as PredictionRow[]).filter(
    (p) => typeof p.label === 'number' && typeof p.prediction === 'number',
  );
  const worst = [...predictions].sort(
    (a, b) => Math.abs(b.prediction - b.label) - Math.abs(a.prediction - a.label),
  );
  const tolerance =
    typeof (run.params as { tolerance?: unknown }).tolerance === 'number'
      ? (run.params as { tolerance: number }).tolerance
      : (run.dataset?.tolerance ?? 1);
  const classes = Array.isArray(run.dataset?.classes) ? (run.dataset.classes as string[]) : null;
  const task = run.dataset?.task;
  const shown = summary.success
    ? METRIC_LABELS.filter(
        ([k]) => summary.data.metrics[k] !== undefined && shownMetric(k, task, integerLabels),
      )
    : [];
  const split =
    run.kind === 'evaluate'
      ? (run.evaluations[0]?.split ?? (run.params as { split?: string }).split)
      : undefined;
  const bySource = (run.summary as { bySource?: Record<string, Record<string, unknown> | undefined> } | null)
    ?.bySource;

  return (
    <>
      <div className="page-head">
        <h1 data-testid="run-title">{runLabel(run)}</h1>
        <span className="badge">{run.kind}</span>
        {run.tags.map((t) => (
          <span key={t} className="badge">
            {t}
          </span>
        ))}
        <span className="spacer" />
        <RunActions id={run.id} status={run.status} />
      </div>
      <ItemActions
        kind="run"
        id={run.id}
        name={runLabel(run)}
        archived={run.archivedAt !== null}
        listHref="/runs"
      />
      <div className="card">
        <dl className="kv">
          <dt>Run</dt>
          <dd className="mono">{run.id}</dd>
          <dt>Dataset</dt>
          <dd>{run.dataset ? <a href={`/datasets/${run.dataset.id}`}>{run.dataset.name}</a> : '—'}</dd>
          <dt>Base model</dt>
          <dd>{run.model ? <a href={`/models/${run.model.id}`}>{run.model.name}</a> : '—'}</dd>
          {run.resultModel && (
            <>
              <dt>Result model</dt>
              <dd>
                <a href={`/models/${run.resultModel.id}`} data-testid="result-model">
                  {run.resultModel.name}
                </a>
              </dd>
            </>
          )}
          {run.sweep && (
            <>
              <dt>Sweep</dt>
              <dd>
                <a href={`/sweeps/${run.sweep.id}`}>{run.sweep.name}</a> · fraction {run.fraction} · seed{' '}
                {run.seed}
              </dd>
            </>
          )}
          <dt>Created</dt>
          <dd>
            {run.createdAt.toISOString().replace('T', ' ').slice(0, 19)} UTC · ran{' '}
            {fmtDuration(runDurationSeconds(run))}
          </dd>
        </dl>
      </div>
      {run.parentRun && (
        <p className="small" data-testid="cv-parent">
          Fold {(run.params as { fold?: number }).fold} of the cross-validation{' '}
          <a href={`/runs/${run.parentRun.id}`}>{run.parentRun.name ?? 'parent run'}</a>
        </p>
      )}
      {run.kind === 'crossval' && (
        <CvFolds
          k={(run.params as { cv?: { k?: number } }).cv?.k ?? run.childRuns.length}
          summary={run.summary}
          folds={run.childRuns}
          items={run.dataset ? (datasetItems(run.dataset)?.map((item) => item.name) ?? []) : []}
          strict={shownMetric('accuracy', task, integerLabels)}
          tolerance={tolerance}
          evalSource={(run.params as { evalSource?: string }).evalSource === 'real' ? 'real' : 'all'}
          referenceName={(kind) => referenceName(kind, classes)}
        />
      )}
      {/* a crossval parent's figures are the folds' means: its card above shows them with their std */}
      {summary.success && run.kind !== 'crossval' && (
        <div className="card" data-testid="final-metrics">
          <h2>{metricsTitle(run.kind, split, summary.data.evalRows)}</h2>
          <table className="data" style={{ width: 'auto' }}>
            <thead>
              <tr>
                <th />
                {shown.map(([k, l]) => (
                  <th key={k} className="num">
                    {l}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                <th>{summary.data.items ? 'this run: mean over items' : 'this run'}</th>
                {shown.map(([k, , f]) => (
                  <td key={k} className="num">
                    <strong>{f(summary.data.metrics[k])}</strong>
                  </td>
                ))}
              </tr>
              {Object.entries(bySource ?? {}).map(([source, metrics]) => (
                <tr key={source} data-testid={`metrics-${source}`}>
                  <th>{source} rows</th>
                  {shown.map(([k, , f]) => (
                    <td key={k} className="num">
                      {f(metrics?.[k])}
                    </td>
                  ))}
                </tr>
              ))}
              {Object.entries(summary.data.items ?? {}).map(([item, i]) => (
                <tr key={`item-${item}`} data-testid={`metrics-item-${item}`}>
                  <th>
                    item {item}
                    {i.errorReduction?.mae != null && (
                      <span className="muted small">
                        {' '}
                        · error reduction (MAE) {fmtPct(i.errorReduction.mae)}
                      </span>
                    )}
                  </th>
                  {shown.map(([k, , f]) => (
                    <td key={k} className="num">
                      {f(i.metrics[k])}
                    </td>
                  ))}
                </tr>
              ))}
              {summary.data.reference && (
                <tr>
                  <th>reference: {referenceName(summary.data.reference.kind, classes)}</th>
                  {shown.map(([k, , f]) => (
                    <td key={k} className="num muted">
                      {f(summary.data.reference?.metrics[k])}
                    </td>
                  ))}
                </tr>
              )}
            </tbody>
          </table>
          {summary.data.errorReduction && (
            <p>
              Error reduction vs{' '}
              <span data-testid="error-reduction-reference">
                {summary.data.reference
                  ? referenceName(summary.data.reference.kind, classes)
                  : 'the reference'}
              </span>
              : <strong data-testid="error-reduction">{fmtPct(summary.data.errorReduction.mae)}</strong>{' '}
              (MAE), <strong>{fmtPct(summary.data.errorReduction.flexible)}</strong> (flexible errors).{' '}
              <span className="muted small">{SCORING_DEFINITIONS.errorReduction}</span>
            </p>
          )}
          {run.dataset?.task === 'regression' && (
            <ul className="muted small" data-testid="scoring-definitions">
              <li>{SCORING_DEFINITIONS.rounding}</li>
              {shown.some(([k]) => k === 'accuracy') && <li>{SCORING_DEFINITIONS.strict}</li>}
              <li>{SCORING_DEFINITIONS.flexible}</li>
            </ul>
          )}
        </div>
      )}
      {summary.success && summary.data.trainOrigins && <TrainOrigins origins={summary.data.trainOrigins} />}
      <RunLive
        initial={snapshot}
        charts={run.kind !== 'evaluate' && run.kind !== 'crossval'}
        strictAccuracy={shownMetric('accuracy', task, integerLabels)}
        items={run.dataset ? (datasetItems(run.dataset)?.map((item) => item.name) ?? []) : []}
      />
      {predictions.length > 0 && (
        <div className="grid two">
          <div className="card">
            <h2>{classes ? 'Confusion matrix' : `Prediction vs label (dashed: ±${tolerance})`}</h2>
            {classes ? (
              <ConfusionMatrix rows={predictions} classes={classes} />
            ) : (
              <ResidualPlot rows={predictions} tolerance={tolerance} />
            )}
          </div>
          <div className="card" style={{ maxHeight: 360, overflow: 'auto' }}>
            <h2>Predictions, worst first ({predictions.length})</h2>
            <table className="data" data-testid="predictions-table">
              <thead>
                <tr>
                  <th>#</th>
                  <th>Text</th>
                  <th className="num">Label</th>
                  <th className="num">Prediction</th>
                  <th className="num">|Error|</th>
                </tr>
              </thead>
              <tbody>
                {worst.slice(0, 200).map((p) => (
                  <tr key={p.index}>
                    <td className="muted">{p.index}</td>
                    <td className="cell-text" title={p.text ?? ''}>
                      {p.text ?? ''}
                    </td>
                    <td className="num">{classes ? (classes[p.label] ?? p.label) : fmtNum(p.label)}</td>
                    <td className="num">
                      {classes
                        ? (classes[Math.round(p.prediction)] ?? fmtNum(p.prediction))
                        : fmtNum(p.prediction)}
                    </td>
                    <td className={`num ${Math.abs(p.prediction - p.label) > tolerance ? '' : 'muted'}`}>
                      {fmtNum(Math.abs(p.prediction - p.label), 3)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
      <div className="card">
        <h2>Parameters</h2>
        <dl className="kv mono" data-testid="run-params">
          {Object.entries(run.params as Record<string, unknown>).map(([k, v]) => (
            <div key={k} style={{ display: 'contents' }}>
              <dt>{k}</dt>
              <dd>{JSON.stringify(v)}</dd>
            </div>
          ))}
        </dl>
      </div>
    </>
  );
}
