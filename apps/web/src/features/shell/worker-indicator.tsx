'use client';
import { useEffect, useState } from 'react';
import type { TWorkerStatus } from './worker-status.ts';

const POLL_MS = 5000;

/** Top-bar dot: green when at least one worker sent a heartbeat recently; click for host + backend. */
export function WorkerIndicator() {
  const [workers, setWorkers] = useState<TWorkerStatus[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    const load = async () => {
      try {
        const res = await fetch('/api/workers', { cache: 'no-store' });
        if (!res.ok) throw new Error(`GET /api/workers answered ${res.status}`);
        const body = (await res.json()) as { workers: TWorkerStatus[] };
        if (!stopped) {
          setWorkers(body.workers);
          setError(null);
        }
      } catch (e) {
        if (!stopped) setError(e instanceof Error ? e.message : String(e));
      }
    };
    void load();
    const timer = setInterval(load, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);

  const alive = workers?.filter((w) => w.alive) ?? [];
  const label = error
    ? 'workers: unknown'
    : workers === null
      ? 'workers…'
      : alive.length === 0
        ? 'no worker running'
        : `${alive.length} worker${alive.length > 1 ? 's' : ''} · ${[...new Set(alive.map((w) => w.backend))].join(', ')}`;

  return (
    <div className="workers" data-testid="worker-indicator">
      <details>
        <summary>
          <span className={`dot ${alive.length > 0 ? 'alive' : workers ? 'dead' : ''}`} /> {label}
        </summary>
        <div className="worker-list">
          {error && <div className="error-box">{error}</div>}
          {workers && workers.length === 0 && (
            <div className="muted small">
              No worker has reported. Start one with <code>npm start</code> or{' '}
              <code>npm run start -w @tunelab/worker</code>.
            </div>
          )}
          {workers?.map((w) => (
            <div key={w.id} className="row small" style={{ padding: '3px 0' }}>
              <span className={`dot ${w.alive ? 'alive' : 'dead'}`} />
              <strong>{w.host}</strong>
              <span className="muted">pid {w.pid ?? '?'}</span>
              <span
                className="badge"
                title={w.engine?.engines
                  .map((e) => `${e.loads ? '✓' : '✗'} ${e.name}: ${e.detail}`)
                  .join('\n')}
              >
                {w.engine?.line ?? w.backend}
              </span>
              <span className="muted">{w.alive ? `seen ${w.secondsAgo}s ago` : 'stopped'}</span>
            </div>
          ))}
        </div>
      </details>
    </div>
  );
}
