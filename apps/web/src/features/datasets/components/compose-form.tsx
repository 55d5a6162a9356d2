'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';

export interface TComposeChoice {
  id: string;
  name: string;
  task: 'regression' | 'classification';
  origin: string;
  rowCount: number;
  /** "0 – 6" or "3 classes: neg, neutral, pos", to judge compatibility at a glance. */
  labels: string;
}

/**
 * Compose form: tick 2+ datasets, give each a ratio (any positive numbers: 70 and 30 mean 70 %/30 %),
 * a total size or none (as large as the ratios allow) and a seed. The server checks compatibility and
 * answers with the reason when it refuses.
 */
export function ComposeForm({ datasets }: { datasets: TComposeChoice[] }) {
  const router = useRouter();
  const [ratios, setRatios] = useState<Record<string, string>>({});
  const [name, setName] = useState('');
  const [size, setSize] = useState('');
  const [seed, setSeed] = useState('42');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const picked = datasets.filter((dataset) => ratios[dataset.id] !== undefined);
  const total = picked.reduce((sum, dataset) => sum + (Number(ratios[dataset.id]) || 0), 0);

  const toggle = (id: string, on: boolean) =>
    setRatios((current) => {
      const next = { ...current };
      if (on) next[id] = '50';
      else delete next[id];
      return next;
    });

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const response = await fetch('/api/datasets/compose', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: name.trim(),
          sources: picked.map((dataset) => ({ datasetId: dataset.id, ratio: Number(ratios[dataset.id]) })),
          size: size.trim() ? Number(size) : undefined,
          seed: Number(seed),
        }),
      });
      const body = (await response.json()) as { id?: string; error?: string };
      if (!response.ok || !body.id) throw new Error(body.error ?? `Compose failed (${response.status})`);
      router.push(`/datasets/${body.id}`);
    } catch (caught) {
      setError((caught as Error).message);
      setBusy(false);
    }
  }

  return (
    <div className="card">
      <h2>Sources</h2>
      {datasets.length < 2 ? (
        <p className="empty">Composing needs at least two ready datasets.</p>
      ) : (
        <table className="data" data-testid="compose-sources">
          <thead>
            <tr>
              <th />
              <th>dataset</th>
              <th>task</th>
              <th>labels</th>
              <th>origin</th>
              <th className="num">rows</th>
              <th className="num">ratio</th>
              <th className="num">share</th>
            </tr>
          </thead>
          <tbody>
            {datasets.map((dataset) => {
              const ratio = ratios[dataset.id];
              return (
                <tr key={dataset.id}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`use ${dataset.name}`}
                      checked={ratio !== undefined}
                      onChange={(event) => toggle(dataset.id, event.target.checked)}
                    />
                  </td>
                  <td>{dataset.name}</td>
                  <td>{dataset.task}</td>
                  <td className="small">{dataset.labels}</td>
                  <td>{dataset.origin}</td>
                  <td className="num">{dataset.rowCount.toLocaleString('en-US')}</td>
                  <td className="num">
                    {ratio !== undefined && (
                      <input
                        style={{ width: 70 }}
                        inputMode="decimal"
                        value={ratio}
                        aria-label={`ratio of ${dataset.name}`}
                        onChange={(event) => setRatios({ ...ratios, [dataset.id]: event.target.value })}
                      />
                    )}
                  </td>
                  <td className="num small">
                    {ratio !== undefined && total > 0
                      ? `${Math.round(((Number(ratio) || 0) / total) * 100)} %`
                      : ''}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div className="form-grid" style={{ marginTop: 12 }}>
        <label className="field">
          Name
          <input value={name} onChange={(event) => setName(event.target.value)} data-testid="compose-name" />
        </label>
        <label className="field">
          Total rows <span className="hint">empty: as many as the ratios allow</span>
          <input value={size} inputMode="numeric" onChange={(event) => setSize(event.target.value)} />
        </label>
        <label className="field">
          Seed <span className="hint">same sources + seed = same rows</span>
          <input value={seed} inputMode="numeric" onChange={(event) => setSeed(event.target.value)} />
        </label>
      </div>
      <p className="muted small">
        Rows are sampled per label (class, or rounded value) so each source keeps its label distribution; they
        keep their split and their real/synthetic tag.
      </p>
      {error && (
        <div className="error-box" data-testid="compose-error">
          {error}
        </div>
      )}
      <div className="row" style={{ marginTop: 12 }}>
        <button
          type="button"
          className="primary"
          disabled={busy || picked.length < 2 || !name.trim()}
          onClick={() => void submit()}
          data-testid="compose-submit"
        >
          {busy ? 'Composing…' : 'Compose'}
        </button>
      </div>
    </div>
  );
}
