import type { TOriginSummary } from '@tunelab/core/dashboard';

/** Where a run's training rows came from: real, synthetic, and which generation runs wrote those. */
export function TrainOrigins({ origins }: { origins: TOriginSummary }) {
  return (
    <div className="card" data-testid="train-origins">
      <h2>Training rows</h2>
      <p>
        {origins.rows} rows: {origins.real} real, <strong>{origins.synthetic} synthetic</strong>
        {origins.rows > 0 &&
          origins.synthetic > 0 &&
          ` (${Math.round((100 * origins.synthetic) / origins.rows)} %)`}
      </p>
      {origins.synthetic > 0 && (
        <ul className="small">
          {origins.generations.map((g) => (
            <li key={g.runId}>
              {g.rows} from generation run{' '}
              <a href={`/synth/runs/${g.runId}`} data-testid="train-origin-generation">
                {g.connection ?? 'connection'} · {g.model ?? 'model'}
              </a>
            </li>
          ))}
          {origins.manual > 0 && <li>{origins.manual} entered by hand in the review queue</li>}
          {origins.untraced > 0 && (
            <li className="muted">{origins.untraced} without a generation record (uploaded as synthetic)</li>
          )}
        </ul>
      )}
    </div>
  );
}
