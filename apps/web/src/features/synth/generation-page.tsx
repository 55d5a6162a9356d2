import { getPrisma } from '@tunelab/db';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '../../common/components/auto-refresh.tsx';
import { RunLifecycle } from '../runs/components/run-lifecycle.tsx';
import { ChecksCell } from './components/checks-cell.tsx';
import { Notice } from './components/notice.tsx';

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined);

/** /synth/runs/<runId>: a generation run — status, progress, ETA, tokens, which rows went where. */
export async function GenerationPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: SearchParams;
}) {
  const { id } = await params;
  const sp = await searchParams;
  const prisma = getPrisma();
  const run = await prisma.run.findUnique({
    where: { id },
    include: {
      dataset: { select: { id: true, name: true } },
      generation: { include: { texts: { orderBy: { position: 'asc' } } } },
    },
  });
  if (!run?.generation) notFound();
  const g = run.generation;
  const endpoint = g.endpoint as { name?: string; baseUrl?: string; model?: string; loopback?: boolean };
  const sent = (Array.isArray(g.sentRows) ? g.sentRows : []) as {
    rowId: string;
    position: number;
    host: string;
  }[];
  const rowIds = [...new Set(sent.map((s) => s.rowId))];
  const rows = await prisma.datasetRow.findMany({
    where: { id: { in: rowIds } },
    select: { id: true, index: true },
  });
  const rowIndex = new Map(rows.map((r) => [r.id, r.index]));
  const hosts = new Map<string, Set<string>>();
  for (const s of sent) {
    const set = hosts.get(s.host) ?? new Set<string>();
    set.add(s.rowId);
    hosts.set(s.host, set);
  }
  const active = run.status === 'queued' || run.status === 'running';
  const diversity = g.diversity as { diversity: number | null; distinct2: number | null } | null;
  return (
    <>
      <AutoRefresh active={active} everyMs={1500} />
      <div className="page-head">
        <h1>{run.name ?? 'Generation run'}</h1>
        <span className="spacer" />
        {run.dataset && (
          <a className="button primary" href={`/synth/review/${run.dataset.id}`}>
            Review queue
          </a>
        )}
      </div>
      <Notice ok={one(sp.ok)} error={one(sp.error)} />
      <div className="card">
        <RunLifecycle runId={run.id} />
      </div>
      <div className="grid three" style={{ marginBottom: 14 }}>
        <div className="card">
          <h3>Progress</h3>
          <div data-testid="generation-progress">
            {g.texts.length} texts · {Math.round(run.progress * 100)}%
            {active && run.etaSeconds != null ? ` · ETA ${Math.round(run.etaSeconds)} s` : ''}
          </div>
        </div>
        <div className="card">
          <h3>Tokens</h3>
          <div data-testid="generation-tokens">
            {g.promptTokens} prompt + {g.completionTokens} completion
          </div>
        </div>
        <div className="card">
          <h3>Endpoint</h3>
          <div>
            {endpoint.name} · {endpoint.model}
            <div className="muted small">
              {endpoint.baseUrl} ({endpoint.loopback ? 'this machine' : 'outside this machine'})
            </div>
          </div>
        </div>
      </div>
      <div className="card" data-testid="sent-rows">
        <h2>Real rows sent</h2>
        {sent.length === 0 ? (
          <p className="muted">
            No real row left this machine's database for this run (no few-shot examples).
          </p>
        ) : (
          <ul>
            {[...hosts.entries()].map(([host, ids]) => (
              <li key={host}>
                {ids.size} real rows to <b>{host}</b>: rows{' '}
                {[...ids].map((r) => rowIndex.get(r) ?? '?').join(', ')} of {run.dataset?.name}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="card">
        <h2>Texts</h2>
        <p className="muted small">
          Batch diversity {diversity?.diversity?.toFixed(2) ?? '—'} (1 − mean shingle Jaccard), distinct-2{' '}
          {diversity?.distinct2?.toFixed(2) ?? '—'}
        </p>
        <table className="data" data-testid="generated-texts">
          <thead>
            <tr>
              <th>#</th>
              <th>Item</th>
              <th>Target</th>
              <th>Text</th>
              <th>Checks</th>
              <th>Status</th>
            </tr>
          </thead>
          <tbody>
            {g.texts.map((t) => (
              <tr key={t.id} id={`text-${t.id}`}>
                <td>{t.position + 1}</td>
                <td>{t.item ?? '—'}</td>
                <td>{t.target}</td>
                <td>{t.text}</td>
                <td>
                  <ChecksCell checks={t.checks} />
                </td>
                <td>{t.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
