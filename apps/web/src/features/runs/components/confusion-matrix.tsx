import type { PredictionRow } from './prediction-views.tsx';

/** Rows = true class, columns = predicted class; the diagonal is right. */
export function ConfusionMatrix({ rows, classes }: { rows: PredictionRow[]; classes: string[] }) {
  const n = classes.length;
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const r of rows) {
    const t = Math.round(r.label);
    const p = Math.min(n - 1, Math.max(0, Math.round(r.prediction)));
    const row = m[t];
    if (row) row[p] = (row[p] ?? 0) + 1;
  }
  const max = Math.max(1, ...m.flat());
  return (
    <table className="data" data-testid="confusion-matrix" style={{ width: 'auto' }}>
      <thead>
        <tr>
          <th>true \ predicted</th>
          {classes.map((c) => (
            <th key={c} className="num">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {m.map((row, i) => (
          <tr key={classes[i]}>
            <th>{classes[i]}</th>
            {row.map((v, j) => (
              <td
                key={classes[j]}
                className="num"
                style={{
                  background: `rgba(${i === j ? '44,138,75' : '194,59,59'},${(v / max) * 0.55})`,
                }}
              >
                {v}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
