'use client';
import { useState } from 'react';
import { launchAnalysisAction } from '../actions.ts';

export interface TAnalysisModel {
  id: string;
  label: string;
  kind: string;
  baseModelId: string | null;
}

/** Pick a base and the fine-tuned models to compare against it (and a dataset for CKA). */
export function AnalysisForm({
  models,
  datasets = [],
}: {
  models: TAnalysisModel[];
  datasets?: { id: string; name: string }[];
}) {
  const [baseModelId, setBase] = useState(
    models.find((m) => m.kind !== 'finetuned')?.id ?? models[0]?.id ?? '',
  );
  const candidates = models.filter(
    (m) => m.id !== baseModelId && m.kind !== 'base' && m.kind !== 'pretrained',
  );
  const [tuned, setTuned] = useState<string[]>([]);
  const [threshold, setThreshold] = useState(1e-3);
  const [spectra, setSpectra] = useState(true);
  const [tiesDensity, setTiesDensity] = useState(0.2);
  const [datasetId, setDatasetId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const toggle = (id: string) => setTuned((t) => (t.includes(id) ? t.filter((x) => x !== id) : [...t, id]));
  const launch = async () => {
    setBusy(true);
    setError(null);
    const result = await launchAnalysisAction({
      baseModelId,
      tunedModelIds: tuned,
      threshold,
      spectra,
      tiesDensity,
      ...(datasetId ? { datasetId } : {}),
    });
    setBusy(false);
    if (result.error) setError(result.error);
    else window.location.href = `/analyses/${result.id}`;
  };
  return (
    <div className="card" data-testid="analysis-form">
      <h2>New tuning-vector analysis</h2>
      <div className="form-grid">
        <label>
          Base model
          <select value={baseModelId} onChange={(e) => setBase(e.target.value)}>
            {models.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Changed when |Δ| &gt; threshold × RMS(θ_base)
          <input
            type="number"
            step="any"
            value={threshold}
            onChange={(e) => setThreshold(Number(e.target.value))}
          />
        </label>
        <label>
          TIES density (interference)
          <input
            type="number"
            step="any"
            min={0.01}
            max={1}
            value={tiesDensity}
            onChange={(e) => setTiesDensity(Number(e.target.value))}
          />
        </label>
        <label>
          CKA per layer on rows of
          <select value={datasetId} onChange={(e) => setDatasetId(e.target.value)}>
            <option value="">no dataset (no CKA)</option>
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={spectra} onChange={(e) => setSpectra(e.target.checked)} /> singular
          values (slower)
        </label>
      </div>
      <h3>Fine-tuned models</h3>
      {candidates.length === 0 && <p className="muted">No fine-tuned model yet.</p>}
      {candidates.map((m) => (
        <label key={m.id} className="row">
          <input type="checkbox" checked={tuned.includes(m.id)} onChange={() => toggle(m.id)} />
          {m.label}
          {m.baseModelId === baseModelId && <span className="muted small">(fine-tuned from this base)</span>}
        </label>
      ))}
      {error && <div className="error-box">{error}</div>}
      <button type="button" className="button primary" disabled={busy || tuned.length === 0} onClick={launch}>
        Analyse
      </button>
    </div>
  );
}
