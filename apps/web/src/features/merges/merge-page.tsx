import { notFound } from 'next/navigation';
import { StatusBadge } from '../../common/components/status-badge.tsx';
import { fmtAgo } from '../../common/format.ts';
import { ItemActions } from '../housekeeping/item-actions.tsx';
import { RunLifecycle } from '../runs/components/run-lifecycle.tsx';
import { MergeAtlas } from './components/merge-atlas.tsx';
import { MergeCharts } from './components/merge-charts.tsx';
import { loadMergeAtlas } from './lib/merge-atlas.ts';
import { loadMergeView } from './lib/merge-view.ts';

/** /merges/[id]: the config, the result and how every model scores on every parent's dataset. */
export async function MergePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const view = await loadMergeView(id);
  if (!view) notFound();
  const { merge, datasets, models, siblings, metrics } = view;
  const atlas = await loadMergeAtlas(merge, models, datasets, metrics[0] ?? null);
  const names: Record<string, string> = Object.fromEntries(
    merge.parents.map((p) => [p.model.id, p.model.name]),
  );

  return (
    <>
      <div className="page-head">
        <h1>{merge.name ?? `Merge ${merge.id}`}</h1>
        <span className="badge">{merge.method}</span>
        <StatusBadge status={merge.run.status} />
        <span className="spacer" />
        {merge.resultModel && (
          <a className="button primary" href={`/models/${merge.resultModel.id}`}>
            Merged model
          </a>
        )}
      </div>
      <ItemActions
        kind="merge"
        id={merge.id}
        name={merge.name ?? `Merge ${merge.id}`}
        archived={merge.archivedAt !== null}
        listHref="/merges"
      />
      <RunLifecycle runId={merge.runId} />
      <div className="grid two">
        <div className="card">
          <h2>Config</h2>
          <pre className="mono small" data-testid="merge-config">
            {merge.config}
          </pre>
          <p className="muted small">
            Created {fmtAgo(merge.createdAt)}. Models are named by TuneLab model id.
          </p>
        </div>
        <div className="card">
          <h2>Models</h2>
          <dl className="kv">
            <dt>Base</dt>
            <dd>
              {merge.baseModel ? <a href={`/models/${merge.baseModel.id}`}>{merge.baseModel.name}</a> : '—'}
            </dd>
            {merge.parents.map((p) => (
              <div key={p.id} style={{ display: 'contents' }}>
                <dt>Parent</dt>
                <dd>
                  <a href={`/models/${p.model.id}`}>{p.model.name}</a>{' '}
                  <span className="mono small">{JSON.stringify(p.params)}</span>
                </dd>
              </div>
            ))}
          </dl>
          <p className="muted small">
            Each model is scored on the eval split of every parent's fine-tuning dataset, so the merge can be
            read against its parents domain by domain.
          </p>
        </div>
      </div>
      <div className="card">
        <h2>Scores</h2>
        <MergeCharts datasets={datasets} metrics={metrics} models={models} siblings={siblings} />
      </div>
      {atlas && (
        <div className="card">
          <h2>Tuning-vector atlas: conflict and CKA per layer</h2>
          <MergeAtlas atlas={atlas} names={names} />
        </div>
      )}
    </>
  );
}
