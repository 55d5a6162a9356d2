'use client';
import { useState } from 'react';

/** Uploads a text corpus (one text per line) and queues in-app masked-LM pretraining of a small BERT. */
export function PretrainForm() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await fetch('/api/models/pretrain', {
        method: 'POST',
        body: new FormData(e.currentTarget),
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
    <form onSubmit={submit} className="card" data-testid="pretrain-form">
      <h2>Pretrain a small BERT on your corpus (masked LM)</h2>
      <div className="form-grid">
        <label className="field">
          Corpus (.txt, one text per line)
          <input type="file" name="corpus" accept=".txt,.text" required />
        </label>
        <label className="field">
          Name
          <input name="modelName" placeholder="my-domain-bert" />
        </label>
        <label className="field">
          Hidden size
          <input name="hiddenSize" type="number" defaultValue={64} />
        </label>
        <label className="field">
          Layers
          <input name="layers" type="number" defaultValue={2} />
        </label>
        <label className="field">
          Heads
          <input name="heads" type="number" defaultValue={2} />
        </label>
        <label className="field">
          Vocabulary size
          <input name="vocabSize" type="number" defaultValue={4000} />
          <span className="hint">WordPiece vocabulary learned from the corpus.</span>
        </label>
        <label className="field">
          Epochs
          <input name="epochs" type="number" defaultValue={1} />
        </label>
        <label className="field">
          Max steps (0 = all)
          <input name="maxSteps" type="number" defaultValue={0} />
        </label>
      </div>
      <p>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Queueing…' : 'Queue pretraining'}
        </button>
      </p>
      {error && <div className="error-box">{error}</div>}
    </form>
  );
}
