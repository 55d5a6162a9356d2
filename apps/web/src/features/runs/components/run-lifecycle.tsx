// The lifecycle of any Run on a page that is not the run page (a merge, an analysis): status,
// cancel/retry, live progress, error and logs, from the run page's own components.
import { runSnapshot } from '../lib/run-snapshot.ts';
import { RunActions } from './run-actions.tsx';
import { RunLive } from './run-live.tsx';

export async function RunLifecycle({ runId }: { runId: string }) {
  const snapshot = await runSnapshot(runId);
  if (!snapshot) return <div className="error-box">Run {runId} does not exist</div>;
  return (
    <div data-testid="run-lifecycle" data-run-id={runId}>
      <div className="row" style={{ marginBottom: 8 }}>
        <a href={`/runs/${runId}`} className="muted small mono">
          run {runId}
        </a>
        <span className="spacer" />
        <RunActions id={runId} status={snapshot.status} clone={false} />
      </div>
      <RunLive initial={snapshot} charts={false} />
    </div>
  );
}
