import { ZDatasetLineage, ZDatasetProfile, ZFoldAssignment } from '@tunelab/core/datasets';
import { getPrisma } from '@tunelab/db';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '../../common/components/auto-refresh.tsx';
import { FoldsPanel } from './components/folds-panel.tsx';
import { LineageCard } from './components/lineage-card.tsx';
import { LabelHistogram, LengthHistogram } from './components/profile-charts.tsx';
import { RowsBrowser } from './components/rows-browser.tsx';
import './datasets.css';
import { ItemActions } from '../housekeeping/item-actions.tsx';
import { ScarcityCard } from '../synth/components/scarcity-card.tsx';

const fmt = (value: number, digits = 1) => value.toLocaleString('en-US', { maximumFractionDigits: digits });

export async function DatasetPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const dataset = await getPrisma().dataset.findUnique({ where: { id } });
  if (!dataset) notFound();
  const parsed = dataset.stats ? ZDatasetProfile.safeParse(dataset.stats) : null;
  const profile = parsed?.success ? parsed.data : null;
  const busy = dataset.status === 'pending' || dataset.status === 'profiling';
  const classes = Array.isArray(dataset.classes) ? dataset.classes.map(String) : null;
  const lineage = dataset.parents ? ZDatasetLineage.safeParse(dataset.parents) : null;
  const folds = dataset.folds ? ZFoldAssignment.safeParse(dataset.folds) : null;

  return (
    <>
      <AutoRefresh active={busy} everyMs={1000} />
      <div className="page-head">
        <h1>{dataset.name}</h1>
        <span
          className={`badge ${dataset.status === 'ready' ? 'succeeded' : dataset.status === 'failed' ? 'failed' : 'running'}`}
          data-testid="dataset-status"
        >
          {dataset.status}
        </span>
        <span className="spacer" />
        <a className="button" href={`/runs/new?dataset=${dataset.id}`}>
          Train on it
        </a>
      </div>
      <ItemActions
        kind="dataset"
        id={dataset.id}
        name={dataset.name}
        archived={dataset.archivedAt !== null}
        listHref="/datasets"
      />
      {dataset.error && <div className="error-box">{dataset.error}</div>}
      <div className="grid three" style={{ marginBottom: 14 }}>
        <div className="card">
          <h3>Rows</h3>
          <div className="ds-stat" data-testid="dataset-rows">
            {dataset.rowCount.toLocaleString('en-US')}
          </div>
          {profile && (
            <div className="muted small">
              train {profile.splits.train} · eval {profile.splits.eval} · test {profile.splits.test}
            </div>
          )}
        </div>
        <div className="card">
          <h3>Task</h3>
          <div className="ds-stat">{dataset.task}</div>
          <div className="muted small">
            {dataset.task === 'regression'
              ? `labels ${dataset.labelMin} – ${dataset.labelMax}, tolerance k = ${dataset.tolerance}`
              : `${classes?.length ?? 0} classes: ${classes?.join(', ')}`}
          </div>
        </div>
        <div className="card">
          <h3>Source</h3>
          <div className="ds-stat">{dataset.origin}</div>
          <div className="muted small">
            {dataset.fileName ?? (lineage?.success ? 'composed' : '')} · text “{dataset.textColumn}”, label “
            {dataset.labelColumn}”
            {profile && ` · real ${profile.sources.real}, synthetic ${profile.sources.synthetic}`}
          </div>
        </div>
      </div>
      {busy && <div className="card muted">The worker is computing the profile…</div>}
      <div className={lineage?.success ? 'grid two' : ''} style={{ marginBottom: 14 }}>
        {lineage?.success && <LineageCard lineage={lineage.data} />}
        <FoldsPanel datasetId={dataset.id} folds={folds?.success ? folds.data : null} />
      </div>
      {profile && (
        <div className="grid two" style={{ marginBottom: 14 }} data-testid="dataset-profile">
          <div className="card">
            <h2>Labels</h2>
            <LabelHistogram bins={profile.label.histogram} bySplit={profile.labelBySplit} />
            <p className="muted small">
              mean {fmt(profile.label.mean, 3)} · std {fmt(profile.label.std, 3)} · min{' '}
              {fmt(profile.label.min, 3)} · max {fmt(profile.label.max, 3)}
            </p>
          </div>
          <div className="card">
            <h2>Text length</h2>
            <LengthHistogram bins={profile.textLength.histogram} />
            <p className="muted small">
              words: median {fmt(profile.textLength.words.p50)}, p90 {fmt(profile.textLength.words.p90)}, max{' '}
              {fmt(profile.textLength.words.max)} · characters: median {fmt(profile.textLength.chars.p50)},
              max {fmt(profile.textLength.chars.max)}
            </p>
            {profile.tokens && (
              <p className="muted small" data-testid="token-profile">
                tokens ({profile.tokens.model}): median {fmt(profile.tokens.quantiles.p50)}, p90{' '}
                {fmt(profile.tokens.quantiles.p90)}, max {fmt(profile.tokens.quantiles.max)} against max
                length {profile.tokens.maxLength}: {profile.tokens.overMax} texts longer; truncation would
                drop {(100 * profile.tokens.droppedShare).toFixed(1)} % of all tokens (windows keep them)
              </p>
            )}
          </div>
          <div className="card">
            <h2>Duplicates</h2>
            <p>
              {profile.duplicates.rows} duplicate rows · {profile.duplicates.distinctTexts} distinct texts ·{' '}
              {profile.duplicates.conflicting} duplicated texts with conflicting labels
            </p>
            {profile.duplicates.examples.length > 0 && (
              <table className="data">
                <thead>
                  <tr>
                    <th>text</th>
                    <th className="num">times</th>
                    <th>rows</th>
                  </tr>
                </thead>
                <tbody>
                  {profile.duplicates.examples.map((example) => (
                    <tr key={example.text}>
                      <td className="ds-text-cell">{example.text}</td>
                      <td className="num">{example.count}</td>
                      <td className="small mono">{example.rows.map((row) => row + 1).join(', ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
          <div className="card">
            <h2>Length quantiles (words)</h2>
            <dl className="kv">
              {(['min', 'p10', 'p25', 'p50', 'p75', 'p90', 'max', 'mean'] as const).map((key) => (
                <div key={key} style={{ display: 'contents' }}>
                  <dt>{key}</dt>
                  <dd>{fmt(profile.textLength.words[key])}</dd>
                </div>
              ))}
            </dl>
          </div>
        </div>
      )}
      {dataset.status === 'ready' && <ScarcityCard datasetId={dataset.id} />}
      <p className="muted small" data-testid="dataset-export">
        Download the rows: <a href={`/api/datasets/${dataset.id}/export?format=csv`}>CSV</a> ·{' '}
        <a href={`/api/datasets/${dataset.id}/export?format=jsonl`}>JSON lines</a>
        {dataset.origin !== 'real' &&
          ' (synthetic rows with their generation record: run, connection, model, prompt, seed, reviewers, edits, score used)'}
      </p>
      <RowsBrowser datasetId={dataset.id} />
    </>
  );
}
