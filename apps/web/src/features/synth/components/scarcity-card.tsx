import { datasetHistogram } from '../lib/histogram.ts';

/** Dataset page: rows per item, label and source (real, synthetic, accepted in review), and a floor plan. */
export async function ScarcityCard({ datasetId }: { datasetId: string }) {
  const histogram = await datasetHistogram(datasetId);
  if (histogram.length === 0) return null;
  const max = Math.max(...histogram.map((h) => h.real + h.synthetic), 1);
  return (
    <div className="card" data-testid="scarcity">
      <h2>Where scores are scarce</h2>
      <table className="data">
        <thead>
          <tr>
            <th>Item</th>
            <th>Label</th>
            <th>Real</th>
            <th>Synthetic</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {histogram.map((h) => (
            <tr key={`${h.item}/${h.label}`}>
              <td>{h.item ?? '—'}</td>
              <td>{h.label}</td>
              <td>{h.real}</td>
              <td>{h.synthetic}</td>
              <td style={{ width: '40%' }}>
                <span
                  style={{
                    display: 'inline-block',
                    height: 8,
                    width: `${(h.real / max) * 100}%`,
                    background: 'var(--accent, #4a7)',
                  }}
                />
                <span
                  style={{
                    display: 'inline-block',
                    height: 8,
                    width: `${(h.synthetic / max) * 100}%`,
                    background: '#c84',
                  }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form action="/synth/plan" method="get" data-testid="floor-form">
        <input type="hidden" name="dataset" value={datasetId} />
        Bring every bin up to{' '}
        <input name="floor" type="number" min={1} max={1000} defaultValue={20} style={{ width: 80 }} /> rows{' '}
        <button type="submit">Plan generation</button> <a href={`/synth/review/${datasetId}`}>Review queue</a>
      </form>
    </div>
  );
}
