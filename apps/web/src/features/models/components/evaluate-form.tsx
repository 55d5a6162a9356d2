'use client';
import { useState } from 'react';

/** Scores this model (it has a trained head) on a dataset split as a Run of kind evaluate. */
export function EvaluateForm({
  modelId,
  datasets,
}: {
  modelId: string;
  datasets: { id: string; label: string }[];
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(`/api/models/${modelId}/evaluate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ datasetId: f.get('datasetId'), split: f.get('split') }),
      });
      const body = (await res.json()) as { runId?: string; error?: string };
      if (!res.ok || !body.runId) throw new Error(body.error ?? `The server answered ${res.status}`);
      window.location.href = `/runs/${body.runId}`;
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <form className="card" onSubmit={submit} data-testid="evaluate-form">
      <h2>Evaluate on a dataset</h2>
      <div className="row">
        <select name="datasetId" aria-label="dataset">
          {datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
        </select>
        <select name="split" defaultValue="eval" aria-label="split">
          <option value="eval">eval split</option>
          <option value="test">test split</option>
          <option value="train">train split</option>
        </select>
        <button type="submit" className="primary" disabled={busy || datasets.length === 0}>
          {busy ? 'Queueing…' : 'Evaluate'}
        </button>
      </div>
      {error && <div className="error-box">{error}</div>}
    </form>
  );
}
