'use client';
import { TRAIN_PARAM_DEFAULTS } from '@tunelab/core/dashboard';
import { useState } from 'react';
import { fittingMaxLength } from '../../runs/lib/compatibility.ts';

interface Option {
  id: string;
  label: string;
  /** The model's position embeddings (max length must fit them). */
  maxPositions?: number | null;
}

const parseList = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map(Number);

/** Same recipe on growing fractions × seeds (× synthetic shares for a two-way sweep). */
export function SweepForm({ models, datasets }: { models: Option[]; datasets: Option[] }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [maxLength, setMaxLength] = useState(() =>
    fittingMaxLength(models[0]?.maxPositions, TRAIN_PARAM_DEFAULTS.maxLength),
  );
  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const num = (k: string) => Number(f.get(k));
    setBusy(true);
    setError(null);
    try {
      const res = await fetch('/api/sweeps', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          name: String(f.get('name') ?? ''),
          modelId: String(f.get('modelId') ?? ''),
          datasetId: String(f.get('datasetId') ?? ''),
          fractions: parseList(String(f.get('fractions') ?? '')),
          seeds: parseList(String(f.get('seeds') ?? '')),
          // synthetic shares are typed in percent: "0, 25, 50"
          shares: parseList(String(f.get('shares') ?? '')).map((p) => p / 100),
          ...(f.get('folds') ? { folds: num('folds') } : {}),
          recipe: {
            ...TRAIN_PARAM_DEFAULTS,
            epochs: num('epochs'),
            lr: num('lr'),
            batchSize: num('batchSize'),
            maxLength: num('maxLength'),
            tolerance: num('tolerance'),
          },
        }),
      });
      const body = (await res.json()) as { sweepId?: string; error?: string };
      if (!res.ok || !body.sweepId) throw new Error(body.error ?? `The server answered ${res.status}`);
      window.location.href = `/sweeps/${body.sweepId}`;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={submit} data-testid="sweep-form">
      <h2>New data-scaling sweep</h2>
      <div className="form-grid">
        <label className="field">
          Name
          <input name="name" placeholder="optional" />
        </label>
        <label className="field">
          Base model
          <select
            name="modelId"
            onChange={(e) => {
              const m = models.find((x) => x.id === e.target.value);
              setMaxLength((v) => fittingMaxLength(m?.maxPositions, v));
            }}
          >
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Dataset
          <select name="datasetId">
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Fractions
          <input name="fractions" defaultValue="0.1, 0.25, 0.5, 1" />
          <span className="hint">Share of the training rows each run sees (eval rows stay the same).</span>
        </label>
        <label className="field">
          Seeds
          <input name="seeds" defaultValue="0, 1, 2" />
          <span className="hint">One run per fraction and seed; the spread shows the noise.</span>
        </label>
        <label className="field">
          k-fold CV at each size
          <select name="folds" defaultValue="">
            <option value="">off: one run per cell</option>
            {[3, 5, 10].map((k) => (
              <option key={k} value={k}>
                {k} folds
              </option>
            ))}
          </select>
          <span className="hint">Each point becomes a cross-validation run: the mean over k folds.</span>
        </label>
        <label className="field">
          Synthetic shares (%)
          <input name="shares" placeholder="e.g. 0, 25, 50 (empty: one-way)" />
          <span className="hint">
            Two-way sweep on a composed real + synthetic dataset: each share is its own curve, all judged on
            the real eval rows.
          </span>
        </label>
        <label className="field">
          Epochs
          <input name="epochs" type="number" defaultValue={TRAIN_PARAM_DEFAULTS.epochs} />
        </label>
        <label className="field">
          Learning rate
          <input name="lr" type="number" step="any" defaultValue={TRAIN_PARAM_DEFAULTS.lr} />
        </label>
        <label className="field">
          Batch size
          <input name="batchSize" type="number" defaultValue={TRAIN_PARAM_DEFAULTS.batchSize} />
        </label>
        <label className="field">
          Max length
          <input
            name="maxLength"
            type="number"
            value={maxLength}
            onChange={(e) => setMaxLength(Number(e.target.value))}
          />
        </label>
        <label className="field">
          Tolerance k
          <input name="tolerance" type="number" step="any" defaultValue={1} />
        </label>
      </div>
      <p>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Queueing…' : 'Launch sweep'}
        </button>
      </p>
      {error && <div className="error-box">{error}</div>}
    </form>
  );
}
