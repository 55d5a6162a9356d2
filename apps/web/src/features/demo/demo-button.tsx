'use client';
import { useState, useTransition } from 'react';
import { loadDemoAction } from './actions.ts';

export function DemoButton() {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div>
      <button
        type="button"
        className="primary"
        disabled={pending}
        data-testid="load-demo"
        onClick={() =>
          start(async () => {
            const r = await loadDemoAction();
            if (r.error) setError(r.error);
            else if (r.runId) window.location.href = `/runs/${r.runId}`;
          })
        }
      >
        {pending ? 'Loading…' : 'Load demo workspace'}
      </button>
      {error && <div className="error-box">{error}</div>}
    </div>
  );
}
