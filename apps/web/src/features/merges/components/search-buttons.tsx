'use client';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { materialiseSearchAction } from '../actions.ts';

/** Launches the best recipe as a normal merge run and opens its page. */
export function MaterialiseButton({ searchId }: { searchId: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <span>
      <button
        type="button"
        className="button primary"
        disabled={busy}
        data-testid="materialise"
        onClick={async () => {
          setBusy(true);
          const out = await materialiseSearchAction(searchId);
          setBusy(false);
          if (out.error) setError(out.error);
          else router.push(`/merges/${out.id}`);
        }}
      >
        Materialise as a model
      </button>
      {error && <span className="error">{error}</span>}
    </span>
  );
}
