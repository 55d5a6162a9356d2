import { METRICS } from '@tunelab/core/metrics';
import type { ScalingVerdict } from '@tunelab/core/scaling';
import { fmtMetric, fmtNum } from '../../../common/format.ts';
import type { SweepFit, SweepMetric } from '../lib/sweep-points.ts';

const VERDICT: Record<ScalingVerdict, { text: string; badge: string }> = {
  ok: { text: 'answer', badge: 'succeeded' },
  unreachable: { text: 'unreachable', badge: 'failed' },
  too_far: { text: 'too far to trust', badge: 'queued' },
  poor_fit: { text: 'poor fit', badge: 'failed' },
};

const examples = (n: number | null) => (n === null ? '∞' : Math.round(n).toLocaleString('en-US'));

/** The fit of one sweep and the answer for the target, in words, next to the chart. */
export function ScalingAnswer({
  result,
  metric,
  baseline,
  label,
  color,
  testId,
}: {
  result: SweepFit;
  metric: SweepMetric;
  /** The reference predictor's value (mean over sizes), to say when it already meets the target. */
  baseline: number | null;
  label: string | null;
  color: string;
  testId?: string;
}) {
  const spec = METRICS[metric];
  const who = label && (
    <strong style={{ color }} className="small">
      {label}:{' '}
    </strong>
  );
  if (!result.fit) {
    return (
      <p className="small" data-testid={testId} data-verdict="refused">
        {who}
        <span className="muted">No scaling fit yet: {result.error}</span>
      </p>
    );
  }
  const f = result.fit;
  const v = VERDICT[f.verdict];
  const [lo, hi] = f.nNeededInterval ?? [null, null];
  const err = spec.higherIsBetter ? `1 − ${spec.label.toLowerCase()}` : spec.label;
  return (
    <div
      className="small"
      style={{ margin: '6px 0' }}
      data-testid={testId}
      data-verdict={f.verdict}
      data-a={f.a}
      data-b={f.b}
      data-c={f.c}
      data-n-needed={f.nNeeded ?? ''}
      data-baseline={f.baseline?.value ?? ''}
    >
      <div className="row" style={{ flexWrap: 'wrap' }}>
        {who}
        {f.target !== null && (
          <>
            <span className={`badge ${v.badge}`}>{v.text}</span>
            {f.nNeeded !== null && (
              <span data-testid={testId && `${testId}-n`}>
                ≈ <strong>{examples(f.nNeeded)}</strong> training examples for {spec.label}{' '}
                {spec.higherIsBetter ? '≥' : '≤'} {fmtMetric(metric, f.target)} (95 % interval {examples(lo)}{' '}
                – {examples(hi)})
              </span>
            )}
          </>
        )}
        {f.target === null && f.verdict !== 'ok' && <span className={`badge ${v.badge}`}>{v.text}</span>}
        <span className="muted">{f.reason}.</span>
        {f.target !== null &&
          baseline !== null &&
          (spec.higherIsBetter ? baseline >= f.target : baseline <= f.target) && (
            <strong data-testid={testId && `${testId}-baseline`}>
              The baseline ({fmtMetric(metric, baseline)}) already meets this target without training.
            </strong>
          )}
      </div>
      <div className="muted" data-testid={testId && `${testId}-fit`}>
        Fit {err}(n) = {fmtNum(f.a)}·n^(−{fmtNum(f.b)}) + {fmtNum(f.c)} · best reachable {spec.label}{' '}
        {fmtMetric(metric, f.floor)} (band {fmtMetric(metric, f.band.floor[0])} –{' '}
        {fmtMetric(metric, f.band.floor[1])}) ·{' '}
        {f.heldout
          ? `held-out error at n = ${f.heldout.n}: ${fmtNum(f.heldout.error)} (${f.heldout.passed ? 'passed' : 'failed'}, tolerance ${fmtNum(f.heldout.tolerance)})`
          : 'no held-out check (needs 4 sizes)'}{' '}
        · band: {f.band.method === 'seeds' ? 'bootstrap over seeds' : 'residual bootstrap (one seed)'},{' '}
        {f.band.replicates} refits
      </div>
    </div>
  );
}
