'use client';

import { useEffect, useState } from 'react';
import type { TRowProvenanceView } from '../api/dataset-route.ts';

/** Characters of a row's text shown before "more". */
const TEXT_PREVIEW = 280;

interface TRow {
  index: number;
  text: string;
  label: number;
  labelText: string | null;
  split: string;
  source: string;
  fold: number | null;
  provenance: TRowProvenanceView | null;
}

const PAGE_SIZE = 25;

/** Pages through stored rows (GET /api/datasets/:id/rows), optionally one split only. */
export function RowsBrowser({ datasetId }: { datasetId: string }) {
  const [page, setPage] = useState(1);
  const [split, setSplit] = useState('');
  // Long texts (whole e-mails) show their first lines; a click expands one row.
  const [expanded, setExpanded] = useState<number | null>(null);
  const [data, setData] = useState<{ total: number; rows: TRow[] } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const query = new URLSearchParams({
      page: String(page),
      pageSize: String(PAGE_SIZE),
      ...(split ? { split } : {}),
    });
    let live = true;
    fetch(`/api/datasets/${datasetId}/rows?${query}`)
      .then(async (response) => {
        const body = await response.json();
        if (!live) return;
        if (response.ok) setData(body as { total: number; rows: TRow[] });
        else setError((body as { error: string }).error);
      })
      .catch((caught: Error) => live && setError(caught.message));
    return () => {
      live = false;
    };
  }, [datasetId, page, split]);

  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  return (
    <div className="card" data-testid="rows-browser">
      <div className="row" style={{ marginBottom: 8 }}>
        <h2 style={{ margin: 0 }}>Rows</h2>
        <span className="spacer" style={{ flex: 1 }} />
        <select
          value={split}
          onChange={(event) => {
            setSplit(event.target.value);
            setPage(1);
          }}
        >
          <option value="">all splits</option>
          <option value="train">train</option>
          <option value="eval">eval</option>
          <option value="test">test</option>
        </select>
      </div>
      {error && <div className="error-box">{error}</div>}
      <table className="data">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>text</th>
            <th className="num">label</th>
            <th>split</th>
            <th>source</th>
            <th>fold</th>
            <th>made by</th>
          </tr>
        </thead>
        <tbody>
          {data?.rows.map((row) => (
            <tr key={row.index}>
              <td className="num mono">{row.index + 1}</td>
              <td className="ds-text-cell">
                {row.text.length <= TEXT_PREVIEW || expanded === row.index ? (
                  row.text
                ) : (
                  <>{row.text.slice(0, TEXT_PREVIEW)}…</>
                )}
                {row.text.length > TEXT_PREVIEW && (
                  <button
                    type="button"
                    className="link-button"
                    data-testid="row-expand"
                    onClick={() => setExpanded(expanded === row.index ? null : row.index)}
                  >
                    {expanded === row.index ? 'less' : `more (${row.text.length} chars)`}
                  </button>
                )}
              </td>
              <td className="num">{row.labelText ?? row.label}</td>
              <td>{row.split}</td>
              <td>{row.source}</td>
              <td className="muted">{row.fold ?? ''}</td>
              <td className="small" data-testid="row-provenance">
                {row.provenance && <ProvenanceCell p={row.provenance} />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="pager row" style={{ marginTop: 8 }}>
        <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          Previous
        </button>
        <span className="muted small" data-testid="rows-page">
          page {page} of {pages} · {data?.total ?? '…'} rows
        </span>
        <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
          Next
        </button>
      </div>
    </div>
  );
}

/**
 * A synthetic row's generation record: a link to the text on its generation run's page, then the
 * model, seed, reviewers, edits and the score used (the prompt on hover).
 */
function ProvenanceCell({ p }: { p: TRowProvenanceView }) {
  const reviewers = p.reviewers.map(
    (r) => `${r.reviewer} ${r.decision}${r.score === null ? '' : ` ${r.score}`}`,
  );
  return (
    <span title={p.prompt ?? undefined}>
      {p.runId ? (
        <a href={`/synth/runs/${p.runId}#text-${p.textId}`} data-testid="row-generation-link">
          {p.connection ?? 'generation'} · {p.model ?? '?'} · seed {p.seed ?? '?'}
        </a>
      ) : (
        <>by hand{p.enteredBy ? ` (${p.enteredBy})` : ''}</>
      )}
      <br />
      <span className="muted">
        {reviewers.length > 0 ? `reviewed: ${reviewers.join(', ')}` : 'not reviewed'}
        {p.edits > 0 ? ` · ${p.edits} edit${p.edits === 1 ? '' : 's'}` : ''} · score {p.scoreUsed} (
        {p.scoreChoice === 'consensus' ? 'reviewers' : 'target'}, target {p.target})
      </span>
    </span>
  );
}
