import { type TCvSummary, type TFoldStat, ZCvSummary } from '@tunelab/core/crossval';
import { EVAL_METRIC_KEYS, METRICS, type MetricKey, SCORING_DEFINITIONS } from '@tunelab/core/metrics';
import { StatusBadge } from '../../../common/components/status-badge.tsx';
import { fmtMetric, fmtPct } from '../../../common/format.ts';

interface FoldRun {
  id: string;
  status: string;
  params: unknown;
  summary: unknown;
  error: string | null;
}

const foldOf = (r: FoldRun) => (r.params as { fold?: number } | null)?.fold ?? -1;
const metricsOf = (r: FoldRun) =>
  ((r.summary as { metrics?: Record<string, number> } | null)?.metrics ?? {}) as Record<string, number>;

/** "0.512 ± 0.031": a figure over folds, mean ± sample std; "—" where no fold reports it. */
function MeanStd({ stat, k, pct }: { stat: TFoldStat | undefined; k: string; pct?: boolean }) {
  const mean = stat?.mean[k];
  if (mean === undefined) return <>—</>;
  // one precision for the whole table (3 decimals; shares as 12.3 %), mean and std alike
  const f = (v: number | undefined) =>
    pct || METRICS[k as MetricKey]?.format === 'percent'
      ? fmtPct(v)
      : typeof v === 'number' && Number.isFinite(v)
        ? v.toFixed(3)
        : '—';
  return (
    <>
      <strong>{f(mean)}</strong> <span className="muted">± {f(stat?.std[k])}</span>
    </>
  );
}

/**
 * The study's table (MADRS-BERT shape): one row per item and the mean over items, columns MAE,
 * strict and flexible accuracy and error reduction against the named reference, each mean ± sample
 * std over folds.
 */
function StudyTable({
  cv,
  items,
  strict,
  tolerance,
  referenceKind,
}: {
  cv: TCvSummary;
  items: readonly string[];
  strict: boolean;
  tolerance: number;
  referenceKind: string;
}) {
  const cols: {
    key: string;
    label: string;
    title: string;
    of: 'metrics' | 'errorReduction';
    pct?: boolean;
  }[] = [
    { key: 'mae', label: 'MAE', title: METRICS.mae.definition, of: 'metrics' },
    ...(strict
      ? [{ key: 'accuracy', label: 'Strict acc', title: SCORING_DEFINITIONS.strict, of: 'metrics' as const }]
      : []),
    {
      key: 'flexibleAccuracy',
      label: `Flexible acc (±${tolerance})`,
      title: SCORING_DEFINITIONS.flexible,
      of: 'metrics',
    },
    { key: 'macroF1', label: 'Macro F1', title: METRICS.macroF1.definition, of: 'metrics' },
    {
      key: 'mae',
      label: 'Error reduction, MAE',
      title: SCORING_DEFINITIONS.errorReduction,
      of: 'errorReduction',
      pct: true,
    },
    {
      key: 'flexible',
      label: 'Error reduction, flexible',
      title: SCORING_DEFINITIONS.errorReduction,
      of: 'errorReduction',
      pct: true,
    },
  ];
  const names = [
    ...items.filter((i) => cv.items?.[i]),
    ...Object.keys(cv.items ?? {}).filter((i) => !items.includes(i)),
  ];
  const rows: { name: string; testId: string; metrics: TFoldStat; errorReduction?: TFoldStat }[] = [
    ...names.map((name) => ({
      name: `item ${name}`,
      testId: `cv-item-${name}`,
      metrics: cv.items?.[name]?.metrics as TFoldStat,
      errorReduction: cv.items?.[name]?.errorReduction,
    })),
    {
      name: names.length > 0 ? 'mean over items' : 'all rows',
      testId: 'cv-mean',
      metrics: { mean: cv.mean, std: cv.std },
      errorReduction: cv.errorReduction,
    },
  ];
  // a column only where some row has the figure (classification has no MAE, regression no macro F1)
  const shown = cols.filter((c) =>
    rows.some((r) => (c.of === 'metrics' ? r.metrics : r.errorReduction)?.mean[c.key] !== undefined),
  );
  return (
    <table className="data" style={{ width: 'auto' }} data-testid="cv-study-table">
      <thead>
        <tr>
          <th />
          {shown.map((c) => (
            <th key={`${c.of}-${c.key}`} className="num" title={c.title}>
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.testId} data-testid={r.testId}>
            <th>{r.name}</th>
            {shown.map((c) => (
              <td key={`${c.of}-${c.key}`} className="num">
                <MeanStd stat={c.of === 'metrics' ? r.metrics : r.errorReduction} k={c.key} pct={c.pct} />
              </td>
            ))}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <td colSpan={shown.length + 1} className="muted small" data-testid="cv-reference">
            Error reduction = 1 − errors(run) / errors(reference) on each fold's own eval rows, against{' '}
            <strong>{referenceKind}</strong>.
          </td>
        </tr>
      </tfoot>
    </table>
  );
}

/**
 * A cross-validation parent's folds: the study's table (per item and the mean over items, each
 * figure mean ± std over folds, sample std, n − 1) and one row per fold with its status and figures,
 * each fold's run one click away.
 */
export function CvFolds({
  k,
  summary,
  folds,
  items = [],
  strict = true,
  tolerance = 1,
  evalSource,
  referenceName = (kind) => kind,
}: {
  k: number;
  summary: unknown;
  folds: FoldRun[];
  /** The dataset's items in output order (multi-item scales). */
  items?: readonly string[];
  /** Whether strict accuracy is defined (whole-number labels). */
  strict?: boolean;
  tolerance?: number;
  evalSource?: 'real' | 'all';
  referenceName?: (kind: string) => string;
}) {
  const cv = ZCvSummary.safeParse((summary as { cv?: unknown } | null)?.cv);
  const sorted = [...folds].sort((a, b) => foldOf(a) - foldOf(b));
  const keys = EVAL_METRIC_KEYS.filter(
    (key) => (strict || key !== 'accuracy') && sorted.some((r) => metricsOf(r)[key] !== undefined),
  );
  const done = sorted.filter((r) => r.status === 'succeeded').length;
  const reference = cv.success && cv.data.reference ? referenceName(cv.data.reference.kind) : null;
  return (
    <div className="card" data-testid="cv-folds">
      <h2>
        {k}-fold cross-validation ({done} / {k} folds done)
      </h2>
      <p className="small" data-testid="cv-protocol">
        Judged on{' '}
        <strong>
          {evalSource === 'real' ? 'real eval rows only' : 'all eval rows (real and synthetic)'}
        </strong>{' '}
        of each fold; training uses every row of the other folds. Figures are mean ± sample standard deviation
        over the {cv.success ? cv.data.k : k} folds (divisor k − 1).
      </p>
      {cv.success && (
        <StudyTable
          cv={cv.data}
          items={items}
          strict={strict}
          tolerance={tolerance}
          referenceKind={reference ?? 'the reference'}
        />
      )}
      {!cv.success && <p className="muted small">The mean ± std appears when every fold has succeeded.</p>}
      <h3>Folds</h3>
      <table className="data" style={{ width: 'auto' }}>
        <thead>
          <tr>
            <th />
            <th>Status</th>
            {keys.map((key) => (
              <th key={key} className="num" title={METRICS[key].definition}>
                {METRICS[key].label}
                {items.length > 0 ? ' (mean over items)' : ''}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={r.id} data-testid="cv-fold">
              <td>
                <a href={`/runs/${r.id}`}>fold {foldOf(r)}</a>
              </td>
              <td>
                <StatusBadge status={r.status} />
                {r.status === 'failed' && r.error && <span className="muted small"> {r.error}</span>}
              </td>
              {keys.map((key) => (
                <td key={key} className="num">
                  {fmtMetric(key, metricsOf(r)[key])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="muted small" data-testid="scoring-definitions">
        <li>{SCORING_DEFINITIONS.rounding}</li>
        {strict && <li>{SCORING_DEFINITIONS.strict}</li>}
        <li>{SCORING_DEFINITIONS.flexible.replace('±k', `±${tolerance}`)}</li>
        <li>
          Folds are seeded and stratified over the train and eval rows (documents kept whole when grouped);
          test rows stay held out.
        </li>
      </ul>
    </div>
  );
}
