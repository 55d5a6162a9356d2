'use client';
import { useState } from 'react';

/**
 * Cancel / retry / clone buttons for a run of any kind (training, evaluation, merge, analysis); each
 * names the reason when the server refuses. `clone` links to the launch form (training runs only).
 */
export function RunActions({ id, status, clone = true }: { id: string; status: string; clone?: boolean }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const post = async (action: 'cancel' | 'retry') => {
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(`/api/runs/${id}/${action}`, { method: 'POST' });
      const body = (await res.json()) as { error?: string };
      if (!res.ok) throw new Error(body.error ?? `The server answered ${res.status}`);
      window.location.reload();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  const live = status === 'queued' || status === 'running';
  return (
    <div className="row">
      {live && (
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={() => post('cancel')}
          data-testid="run-cancel"
        >
          Cancel
        </button>
      )}
      {(status === 'failed' || status === 'cancelled') && (
        <button type="button" disabled={busy} onClick={() => post('retry')} data-testid="run-retry">
          Retry
        </button>
      )}
      {clone && (
        <a className="button" href={`/runs/new?clone=${id}`} data-testid="run-clone">
          Clone
        </a>
      )}
      {error && <span className="error-box">{error}</span>}
    </div>
  );
}
