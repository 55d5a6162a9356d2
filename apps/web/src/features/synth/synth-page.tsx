import { DEFAULT_TEMPLATE, isLoopbackUrl } from '@tunelab/core/synth';
import { getPrisma, listConnections } from '@tunelab/db';
import { StatusBadge } from '../../common/components/status-badge.tsx';
import {
  archiveConnectionAction,
  launchGenerationAction,
  saveConnectionAction,
  testConnectionAction,
} from './actions.ts';
import { Notice } from './components/notice.tsx';

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined);

/** /synth: connections, the generation launch form and the generation runs. */
export async function SynthPage({ searchParams }: { searchParams: SearchParams }) {
  const sp = await searchParams;
  const prisma = getPrisma();
  const [connections, datasets, runs] = await Promise.all([
    listConnections(),
    prisma.dataset.findMany({
      where: { archivedAt: null, origin: { not: 'synthetic' } },
      orderBy: { createdAt: 'desc' },
      take: 200,
      select: { id: true, name: true },
    }),
    prisma.run.findMany({
      where: { kind: 'generate' },
      orderBy: { createdAt: 'desc' },
      take: 50,
      include: { generation: true, dataset: { select: { id: true, name: true } } },
    }),
  ]);
  const datasetId = one(sp.dataset);
  return (
    <>
      <div className="page-head">
        <h1>Synthetic data</h1>
      </div>
      <Notice ok={one(sp.ok)} error={one(sp.error)} />
      <div className="card">
        <h2>Connections</h2>
        <p className="muted small">
          Any OpenAI-compatible chat-completions endpoint (Ollama, vLLM, llama.cpp server, a hosted API). Keys
          stay on the server. Real rows (few-shot examples) go to an endpoint outside this machine only when
          you allow it.
        </p>
        <table className="data" data-testid="connections">
          <thead>
            <tr>
              <th>Name</th>
              <th>Endpoint</th>
              <th>Model</th>
              <th>Key</th>
              <th>Real rows</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {connections.map((c) => (
              <tr key={c.id}>
                <td>{c.name}</td>
                <td>
                  {c.baseUrl}{' '}
                  <span className="muted small">{isLoopbackUrl(c.baseUrl) ? 'this machine' : 'outside'}</span>
                </td>
                <td>{c.model}</td>
                <td>{c.hasKey ? 'stored' : 'none'}</td>
                <td>
                  {isLoopbackUrl(c.baseUrl) ? 'allowed (local)' : c.allowRealRows ? 'allowed' : 'never sent'}
                </td>
                <td>
                  <form action={testConnectionAction} style={{ display: 'inline' }}>
                    <input type="hidden" name="id" value={c.id} />
                    <button type="submit">Test connection</button>
                  </form>{' '}
                  <form action={archiveConnectionAction} style={{ display: 'inline' }}>
                    <input type="hidden" name="id" value={c.id} />
                    <button type="submit">Remove</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <form action={saveConnectionAction} className="form-grid" data-testid="connection-form">
          <label>
            Name <input name="name" required placeholder="local ollama" />
          </label>
          <label>
            Base URL <input name="baseUrl" required placeholder="http://127.0.0.1:11434/v1" />
          </label>
          <label>
            Model <input name="model" required placeholder="llama3.1:8b" />
          </label>
          <label>
            API key <input name="apiKey" type="password" autoComplete="off" placeholder="(none)" />
          </label>
          <label>
            <input type="checkbox" name="allowRealRows" /> Allow real rows to be sent to this endpoint
          </label>
          <button type="submit" className="primary">
            Add connection
          </button>
        </form>
      </div>

      <div className="card">
        <h2>Generate</h2>
        {connections.length === 0 || datasets.length === 0 ? (
          <div className="empty">Add a connection and upload a dataset first.</div>
        ) : (
          <form action={launchGenerationAction} className="form-grid" data-testid="generate-form">
            <label>
              Dataset
              <select name="datasetId" defaultValue={datasetId}>
                {datasets.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Connection
              <select name="connectionId">
                {connections.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name} ({c.model})
                  </option>
                ))}
              </select>
            </label>
            <label>
              Plan: one line per bin, <code>item, score, count</code>
              <textarea
                name="plan"
                rows={4}
                required
                defaultValue={one(sp.plan) ?? 'sleep, 5, 10\nsleep, 6, 10'}
              />
            </label>
            <label>
              Prompt template (<code>{'{{item}}'}</code>, <code>{'{{score}}'}</code>,{' '}
              <code>{'{{scale}}'}</code>)
              <textarea name="template" rows={4} required defaultValue={DEFAULT_TEMPLATE} />
            </label>
            <label>
              Scale wording: one line per score, <code>score: wording</code>
              <textarea
                name="scale"
                rows={3}
                placeholder={'5: severe, sleeps under three hours\n6: extreme, hardly sleeps'}
              />
            </label>
            <label>
              System message (optional) <textarea name="system" rows={2} />
            </label>
            <label>
              Few-shot examples from real rows with that label{' '}
              <input name="fewShot" type="number" min={0} max={10} defaultValue={0} />
            </label>
            <label>
              Temperature{' '}
              <input name="temperature" type="number" step="0.1" min={0} max={2} defaultValue={0.9} />
            </label>
            <label>
              Seed <input name="seed" type="number" min={0} defaultValue={1} />
            </label>
            <label>
              Max tokens per text <input name="maxTokens" type="number" min={1} defaultValue={400} />
            </label>
            <label>
              <input type="checkbox" name="double" /> Double review every text
            </label>
            <label>
              Name (optional) <input name="name" />
            </label>
            <button type="submit" className="primary">
              Generate
            </button>
          </form>
        )}
      </div>

      <div className="card">
        <h2>Generation runs</h2>
        <table className="data" data-testid="generation-runs">
          <thead>
            <tr>
              <th>Run</th>
              <th>Dataset</th>
              <th>Status</th>
              <th>Progress</th>
              <th>Tokens</th>
              <th>Review</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id}>
                <td>
                  <a href={`/synth/runs/${r.id}`}>{r.name ?? r.id}</a>
                </td>
                <td>{r.dataset?.name ?? '—'}</td>
                <td>
                  <StatusBadge status={r.status} />
                </td>
                <td>{Math.round(r.progress * 100)}%</td>
                <td>{(r.generation?.promptTokens ?? 0) + (r.generation?.completionTokens ?? 0)}</td>
                <td>{r.dataset && <a href={`/synth/review/${r.dataset.id}`}>queue</a>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
