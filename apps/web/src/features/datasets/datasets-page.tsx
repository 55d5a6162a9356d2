import { readEnv } from '@tunelab/db';
import { UploadWizard } from './components/upload-wizard.tsx';
import './datasets.css';
import { listDatasets } from './lib/list-datasets.ts';

export async function DatasetsPage() {
  const datasets = await listDatasets(200);
  return (
    <>
      <div className="page-head">
        <h1>Datasets</h1>
        <span className="spacer" />
        <a className="button" href="/datasets/compose" data-testid="compose-link">
          Compose from datasets
        </a>
      </div>
      <div className="grid two">
        <UploadWizard maxMb={readEnv().TUNELAB_MAX_UPLOAD_MB} />
        <div className="card">
          <h2>All datasets</h2>
          {datasets.length === 0 ? (
            <p className="empty">No datasets yet: upload one.</p>
          ) : (
            <table className="data" data-testid="datasets-table">
              <thead>
                <tr>
                  <th>name</th>
                  <th>task</th>
                  <th>labels</th>
                  <th className="num">rows</th>
                  <th>status</th>
                  <th>created</th>
                </tr>
              </thead>
              <tbody>
                {datasets.map((dataset) => (
                  <tr key={dataset.id}>
                    <td>
                      <a href={`/datasets/${dataset.id}`}>{dataset.name}</a>
                    </td>
                    <td>{dataset.task}</td>
                    <td className="small">
                      {dataset.task === 'classification'
                        ? `${Array.isArray(dataset.classes) ? dataset.classes.length : '?'} classes`
                        : `${dataset.labelMin ?? '?'} – ${dataset.labelMax ?? '?'}`}
                    </td>
                    <td className="num">{dataset.rowCount.toLocaleString('en-US')}</td>
                    <td>
                      <span
                        className={`badge ${dataset.status === 'ready' ? 'succeeded' : dataset.status === 'failed' ? 'failed' : 'running'}`}
                      >
                        {dataset.status}
                      </span>
                    </td>
                    <td className="small muted">
                      {dataset.createdAt.toISOString().slice(0, 16).replace('T', ' ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </>
  );
}
