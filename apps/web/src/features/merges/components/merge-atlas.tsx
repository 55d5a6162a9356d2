'use client';
import { useState } from 'react';
import { launchAnalysisAction } from '../../analyses/actions.ts';
import { AtlasCharts } from '../../analyses/components/atlas-charts.tsx';
import type { TMergeAtlas } from '../lib/merge-atlas.ts';

const pct = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);
const num = (v: number | null) => (v === null ? '—' : Number(v.toPrecision(4)).toString());

/** Per parent: what TIES trims and overrules of it, and what the merge lost on its own domain. */
export function MergeAtlas({ atlas, names }: { atlas: TMergeAtlas; names: Record<string, string> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const launch = async () => {
    setBusy(true);
    setError(null);
    const result = await launchAnalysisAction(atlas.launch);
    setBusy(false);
    if (result.error) setError(result.error);
    else window.location.reload();
  };
  const { analysis, report } = atlas;
  if (!report)
    return (
      <div data-testid="merge-atlas-empty">
        {analysis ? (
          <p className="muted">
            The <a href={`/analyses/${analysis.id}`}>analysis of these tuning vectors</a> is {analysis.status}
            .
          </p>
        ) : (
          <>
            <p className="muted">
              No tuning-vector analysis of this base and these parents yet. It measures sign conflicts, what a
              TIES merge at density {atlas.launch.tiesDensity} trims or overrules of each parent, and (on the
              parents' dataset) how each layer's representations moved.
            </p>
            <button type="button" className="button" disabled={busy} onClick={launch}>
              Analyse these tuning vectors
            </button>
          </>
        )}
        {error && <div className="error-box">{error}</div>}
      </div>
    );
  return (
    <div data-testid="merge-atlas">
      <p className="muted small">
        From <a href={`/analyses/${analysis?.id}`}>the analysis of these tuning vectors</a>
        {report.options.tiesDensity ? ` (TIES at density ${report.options.tiesDensity})` : ''}. A parent whose
        vector TIES overrules most is the one the merge should lose most on.
      </p>
      <table data-testid="merge-atlas-table">
        <thead>
          <tr>
            <th>Parent</th>
            <th>Own dataset</th>
            <th>TIES trims</th>
            <th>TIES overrules</th>
            <th>In base top-k</th>
            <th>CKA base, last layer</th>
            <th>{atlas.metric ?? 'score'}: parent → merged</th>
            <th>Loss</th>
          </tr>
        </thead>
        <tbody>
          {atlas.parents.map((p) => (
            <tr key={p.modelId}>
              <td>{p.label}</td>
              <td>{p.datasetName ?? '—'}</td>
              <td className="mono">{pct(p.tiesTrimmed)}</td>
              <td className="mono">{pct(p.tiesOverruled)}</td>
              <td className="mono">{pct(p.inBaseSubspace)}</td>
              <td className="mono">{num(p.lastLayerCka)}</td>
              <td className="mono">
                {num(p.parentScore)} → {num(p.mergedScore)}
              </td>
              <td className="mono">{num(p.loss)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Sign conflict over the whole model: {pct(report.overall.signConflict ?? null)} of the entries both
        changed.
      </p>
      <AtlasCharts report={report} names={names} fileName="merge-atlas" />
    </div>
  );
}
