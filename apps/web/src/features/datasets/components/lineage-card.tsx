import type { TDatasetLineage } from '@tunelab/core/datasets';

/** Where a composed dataset's rows came from: parents (linked), their ratios and counts per source. */
export function LineageCard({ lineage }: { lineage: TDatasetLineage }) {
  return (
    <div className="card" data-testid="dataset-lineage">
      <h2>Composed from</h2>
      <table className="data">
        <thead>
          <tr>
            <th>parent</th>
            <th className="num">ratio</th>
            <th className="num">rows taken</th>
            <th className="num">of</th>
            <th className="num">real</th>
            <th className="num">synthetic</th>
          </tr>
        </thead>
        <tbody>
          {lineage.sources.map((source) => (
            <tr key={source.datasetId}>
              <td>
                <a href={`/datasets/${source.datasetId}`}>{source.name}</a>
              </td>
              <td className="num">{Math.round(source.ratio * 1000) / 10} %</td>
              <td className="num">{source.rows.toLocaleString('en-US')}</td>
              <td className="num muted">{source.available.toLocaleString('en-US')}</td>
              <td className="num">{source.bySource.real.toLocaleString('en-US')}</td>
              <td className="num">{source.bySource.synthetic.toLocaleString('en-US')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        seed {lineage.seed} ·{' '}
        {lineage.requestedSize === null
          ? 'as large as the ratios allow'
          : `${lineage.requestedSize.toLocaleString('en-US')} rows requested`}{' '}
        · sampled per label stratum, rows keep their split and source tag
      </p>
    </div>
  );
}
