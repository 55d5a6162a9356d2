import { METRICS } from '@tunelab/core/metrics';
import { percent } from '@tunelab/core/sweeps';
import { fmtMetric } from '../../../common/format.ts';
import type { ShareComparison } from '../lib/share-comparison.ts';
import type { SweepMetric } from '../lib/sweep-points.ts';

const CALL = { helps: '▲ helps', hurts: '▼ hurts', same: '= same' } as const;

/** A two-way sweep's table: per size, each synthetic share's mean ± std and its gain over the lowest share. */
export function ShareTable({ comparison, metric }: { comparison: ShareComparison; metric: SweepMetric }) {
  const f = (v: number | null | undefined) => fmtMetric(metric, v);
  const ref = percent(comparison.reference);
  return (
    <div className="card" data-testid="share-table">
      <h2>Synthetic share × size ({METRICS[metric].label})</h2>
      <ul className="small" data-testid="share-findings">
        {comparison.findings.map((x) => (
          <li key={x.share} data-stops-helping-at={x.stopsHelpingAt ?? ''}>
            {x.text}.
          </li>
        ))}
      </ul>
      <table className="data">
        <thead>
          <tr>
            <th className="num">Fraction</th>
            <th className="num">Examples n</th>
            {comparison.shares.map((s) => (
              <th key={s} className="num">
                {percent(s)} synthetic
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {comparison.rows.map((r) => (
            <tr key={r.fraction}>
              <td className="num">{r.fraction}</td>
              <td className="num">{r.trainRows ?? '–'}</td>
              {r.cells.map((c, j) => (
                <td key={comparison.shares[j]} className="num" data-call={c.call ?? ''}>
                  {c.mean === null ? '–' : `${f(c.mean)} ± ${f(c.std ?? 0)}`}
                  {j > 0 && c.call && (
                    <span className="muted small" title={`gain ${f(c.gain)} vs noise ${f(c.noise)}`}>
                      {' '}
                      {CALL[c.call]}
                    </span>
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Every share trains on the same number of rows at a fraction and is scored on the same real eval rows.
        ± is the sample std over seeds; a share helps (or hurts) where its mean differs from {ref}'s by more
        than 2 standard errors of the difference.
      </p>
    </div>
  );
}
