import type { ScalingFit } from '@tunelab/core/scaling';
import { fmtMetric } from '../../../common/format.ts';
import type { FractionAggregate, SweepMetric } from '../lib/sweep-points.ts';

/** The numbers under the chart: per size, the seeds, mean ± std, range, baseline, fit and its band. */
export function SweepNumbers({
  title,
  seeds,
  aggregates,
  fit,
  metric,
  testId,
}: {
  title: string;
  seeds: number;
  aggregates: FractionAggregate[];
  fit: ScalingFit | null;
  metric: SweepMetric;
  testId?: string;
}) {
  const f = (v: number | null | undefined) => fmtMetric(metric, v);
  return (
    <div className="card">
      <h2>{title}</h2>
      <table className="data" data-testid={testId}>
        <thead>
          <tr>
            <th className="num">Fraction</th>
            <th className="num">Examples n</th>
            <th className="num">Seeds done</th>
            <th className="num">Mean</th>
            <th className="num">Std</th>
            <th className="num">Min</th>
            <th className="num">Max</th>
            <th className="num">Baseline</th>
            <th className="num">Fit</th>
            <th className="num">Band (95 %)</th>
          </tr>
        </thead>
        <tbody>
          {aggregates.map((a) => {
            const at = fit?.band.curve.find((p) => p.n === a.trainRows);
            return (
              <tr key={a.fraction}>
                <td className="num">{Math.round(a.fraction * 1000) / 10}%</td>
                <td className="num">{a.trainRows ?? '—'}</td>
                <td className="num">
                  {a.n} / {seeds}
                </td>
                <td className="num">{f(a.mean)}</td>
                <td className="num">{f(a.std)}</td>
                <td className="num">{f(a.min)}</td>
                <td className="num">{f(a.max)}</td>
                <td className="num">{f(a.baseline)}</td>
                <td className="num">{f(at?.value)}</td>
                <td className="num">{at ? `${f(at.lo)} – ${f(at.hi)}` : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
