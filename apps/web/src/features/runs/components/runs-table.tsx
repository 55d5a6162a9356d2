'use client';
import { METRICS } from '@tunelab/core/metrics';
import { useState } from 'react';
import { StatusBadge } from '../../../common/components/status-badge.tsx';
import { RUN_LIST_METRICS } from '../lib/to-row.ts';

export interface RunRow {
  id: string;
  label: string;
  /** The run's own page (generation and search runs have theirs). */
  href: string;
  kind: string;
  status: string;
  progress: number;
  dataset: string;
  model: string;
  created: string;
  duration: string;
  tags: string[];
  metrics: Record<string, string>;
}

const METRIC_COLUMNS = [
  ...RUN_LIST_METRICS.map((k) => [k, METRICS[k].shortLabel] as const),
  ['errorReduction', 'Err. red. (MAE)'],
] as const;

/** Runs with checkboxes: selecting two or more enables "Compare". Sorting/paging links come from the server. */
export function RunsTable({ rows, sortLinks }: { rows: RunRow[]; sortLinks?: Record<string, string> }) {
  const [selected, setSelected] = useState<string[]>([]);
  const toggle = (id: string) =>
    setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]));
  const th = (key: string, label: string, cls?: string) => (
    <th className={cls}>{sortLinks?.[key] ? <a href={sortLinks[key]}>{label}</a> : label}</th>
  );
  if (rows.length === 0) return <div className="empty">No runs match.</div>;
  return (
    <>
      <div className="row" style={{ marginBottom: 8 }}>
        <a
          className={`button ${selected.length >= 2 ? 'primary' : ''}`}
          href={selected.length >= 2 ? `/compare?ids=${selected.join(',')}` : undefined}
          aria-disabled={selected.length < 2}
          data-testid="compare-selected"
          style={selected.length < 2 ? { opacity: 0.55, pointerEvents: 'none' } : undefined}
        >
          Compare {selected.length > 0 ? `(${selected.length})` : ''}
        </a>
        <span className="muted small">Select two or more runs to overlay their curves.</span>
      </div>
      <table className="data" data-testid="runs-table">
        <thead>
          <tr>
            <th />
            <th>Run</th>
            {th('status', 'Status')}
            <th>Dataset</th>
            <th>Model</th>
            {METRIC_COLUMNS.map(([k, l]) => (
              <th key={k} className="num">
                {l}
              </th>
            ))}
            <th>Tags</th>
            {th('createdAt', 'Created')}
            <th className="num">Duration</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-run-id={r.id}>
              <td>
                <input
                  type="checkbox"
                  checked={selected.includes(r.id)}
                  onChange={() => toggle(r.id)}
                  aria-label={`select run ${r.id}`}
                />
              </td>
              <td>
                <a href={r.href}>{r.label}</a>
                {r.kind !== 'train' && (
                  <span className="badge" style={{ marginLeft: 6 }}>
                    {r.kind}
                  </span>
                )}
                <div className="muted small mono">{r.id.slice(-10)}</div>
              </td>
              <td>
                <StatusBadge status={r.status} />
                {r.status === 'running' && <div className="muted small">{Math.round(r.progress * 100)}%</div>}
              </td>
              <td>{r.dataset}</td>
              <td>{r.model}</td>
              {METRIC_COLUMNS.map(([k]) => (
                <td key={k} className="num">
                  {r.metrics[k] ?? '—'}
                </td>
              ))}
              <td>
                {r.tags.map((t) => (
                  <span key={t} className="badge" style={{ marginRight: 4 }}>
                    {t}
                  </span>
                ))}
              </td>
              <td className="muted">{r.created}</td>
              <td className="num">{r.duration}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
