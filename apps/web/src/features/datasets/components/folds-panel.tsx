'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';

/**
 * k-fold cross-validation folds of the train/eval rows: current sizes, and a form to (re)assign
 * them. Test rows never get a fold, so the test split stays held out.
 */
export function FoldsPanel({
  datasetId,
  folds,
}: {
  datasetId: string;
  folds: { k: number; seed: number; sizes: number[] } | null;
}) {
  const router = useRouter();
  const [k, setK] = useState(String(folds?.k ?? 5));
  const [seed, setSeed] = useState(String(folds?.seed ?? 42));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function send(method: 'POST' | 'DELETE') {
    setBusy(true);
    setError(null);
    try {
      const response = await fetch(`/api/datasets/${datasetId}/folds`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: method === 'POST' ? JSON.stringify({ k: Number(k), seed: Number(seed) }) : undefined,
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { error?: string };
        throw new Error(body.error ?? `Request failed (${response.status})`);
      }
      router.refresh();
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="card" data-testid="dataset-folds">
      <h2>Cross-validation folds</h2>
      {folds ? (
        <>
          <table className="data">
            <thead>
              <tr>
                {folds.sizes.map((_, fold) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the fold number is the identity
                  <th key={fold} className="num">
                    fold {fold}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                {folds.sizes.map((size, fold) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the fold number is the identity
                  <td key={fold} className="num" data-testid={`fold-size-${fold}`}>
                    {size.toLocaleString('en-US')}
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
          <p className="muted small">
            k = {folds.k}, seed {folds.seed}, stratified by label over the train and eval rows; test rows stay
            held out. Run i evaluates on fold i and trains on the others.
          </p>
        </>
      ) : (
        <p className="muted small">No folds: runs use the train/eval/test split.</p>
      )}
      <div className="row" style={{ gap: 8, alignItems: 'end' }}>
        <label className="field">
          k
          <select value={k} onChange={(event) => setK(event.target.value)} data-testid="folds-k">
            {[2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          seed
          <input
            style={{ width: 80 }}
            inputMode="numeric"
            value={seed}
            onChange={(event) => setSeed(event.target.value)}
          />
        </label>
        <button
          type="button"
          className="primary"
          disabled={busy}
          onClick={() => void send('POST')}
          data-testid="folds-assign"
        >
          {folds ? 'Reassign folds' : 'Assign folds'}
        </button>
        {folds && (
          <button type="button" disabled={busy} onClick={() => void send('DELETE')}>
            Remove folds
          </button>
        )}
      </div>
      {error && <div className="error-box">{error}</div>}
    </div>
  );
}
