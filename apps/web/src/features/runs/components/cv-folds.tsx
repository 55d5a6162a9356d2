import { ZCvSummary } from '@tunelab/core/crossval';
import { EVAL_METRIC_KEYS, METRICS } from '@tunelab/core/metrics';
import { StatusBadge } from '../../../common/components/status-badge.tsx';
import { fmtMetric } from '../../../common/format.ts';

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

/**
 * A cross-validation parent's folds: every metric as mean ± std over folds (sample std, n − 1), and
 * one row per fold with its status and figures, each fold's run one click away.
 */
export function CvFolds({ k, summary, folds }: { k: number; summary: unknown; folds: FoldRun[] }) {
  const cv = ZCvSummary.safeParse((summary as { cv?: unknown } | null)?.cv);
  const sorted = [...folds].sort((a, b) => foldOf(a) - foldOf(b));
  const keys = EVAL_METRIC_KEYS.filter((key) => sorted.some((r) => metricsOf(r)[key] !== undefined));
  return (
    <div className="card" data-testid="cv-folds">
      <h2>
        {k}-fold cross-validation ({sorted.filter((r) => r.status === 'succeeded').length} / {k} folds done)
      </h2>
      <table className="data" style={{ width: 'auto' }}>
        <thead>
          <tr>
            <th />
            <th>Status</th>
            {keys.map((key) => (
              <th key={key} className="num" title={METRICS[key].definition}>
                {METRICS[key].label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {cv.success && (
            <tr data-testid="cv-mean">
              <th>mean ± std</th>
              <td />
              {keys.map((key) => (
                <td key={key} className="num">
                  <strong>{fmtMetric(key, cv.data.mean[key])}</strong> ± {fmtMetric(key, cv.data.std[key])}
                </td>
              ))}
            </tr>
          )}
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
      <p className="muted small">
        ± is the sample standard deviation over folds (divisor k − 1). Folds are seeded and stratified over
        the train and eval rows; test rows stay held out.
      </p>
    </div>
  );
}
