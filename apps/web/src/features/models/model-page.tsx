import { prisma } from '@tunelab/db';
import { notFound } from 'next/navigation';
import { StatusBadge } from '../../common/components/status-badge.tsx';
import { fmtAgo, runLabel } from '../../common/format.ts';
import { ItemActions } from '../housekeeping/item-actions.tsx';
import { EvaluateForm } from './components/evaluate-form.tsx';
import { fmtParams } from './models-page.tsx';

const CONFIG_KEYS = [
  'model_type',
  'hidden_size',
  'num_hidden_layers',
  'num_attention_heads',
  'intermediate_size',
  'hidden_act',
  'max_position_embeddings',
  'vocab_size',
  'type_vocab_size',
  'hidden_dropout_prob',
  'attention_probs_dropout_prob',
  'layer_norm_eps',
  'problem_type',
  'num_labels',
];

/** Walks baseModelId upward: [root, …, parent]. */
async function ancestors(baseModelId: string | null) {
  const chain: { id: string; name: string; kind: string }[] = [];
  let next = baseModelId;
  while (next && chain.length < 20) {
    const m = await prisma.model.findUnique({
      where: { id: next },
      select: { id: true, name: true, kind: true, baseModelId: true },
    });
    if (!m) break;
    chain.unshift(m);
    next = m.baseModelId;
  }
  return chain;
}

export async function ModelPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const model = await prisma.model.findUnique({
    where: { id },
    include: {
      parentRun: { include: { dataset: { select: { name: true } }, model: { select: { name: true } } } },
      parentMerge: { include: { parents: { include: { model: { select: { id: true, name: true } } } } } },
      derived: {
        select: { id: true, name: true, kind: true, createdAt: true },
        orderBy: { createdAt: 'desc' },
        take: 50,
      },
      runsAsBase: {
        orderBy: { createdAt: 'desc' },
        take: 20,
        include: { dataset: { select: { name: true } }, model: { select: { name: true } } },
      },
    },
  });
  if (!model) notFound();
  const chain = await ancestors(model.baseModelId);
  const datasets = model.task
    ? await prisma.dataset.findMany({
        where: { task: model.task, status: 'ready' },
        orderBy: { createdAt: 'desc' },
        take: 200,
      })
    : [];
  const config = model.config as Record<string, unknown>;
  const tokenizer = (model.tokenizer ?? null) as Record<string, unknown> | null;

  return (
    <>
      <div className="page-head">
        <h1>{model.name}</h1>
        <span className="badge">{model.kind}</span>
        <span className="spacer" />
        <a className="button primary" href={`/runs/new?model=${model.id}`}>
          Fine-tune
        </a>
        <a className="button" href={`/api/models/${model.id}/download`} data-testid="model-download">
          Download HF folder (.zip)
        </a>
      </div>
      <ItemActions
        kind="model"
        id={model.id}
        name={model.name}
        archived={model.archivedAt !== null}
        listHref="/models"
      />
      <div className="grid two">
        <div className="card">
          <h2>Architecture</h2>
          <dl className="kv">
            <dt>Parameters</dt>
            <dd>
              <strong>{fmtParams(model.paramCount)}</strong> ({model.paramCount.toLocaleString('en-US')})
            </dd>
            <dt>Head</dt>
            <dd>
              {model.task
                ? `${model.task}${model.numLabels ? `, ${model.numLabels} output(s)` : ''}`
                : 'none (encoder / MLM)'}
            </dd>
            {CONFIG_KEYS.filter((k) => config[k] !== undefined).map((k) => (
              <div key={k} style={{ display: 'contents' }}>
                <dt className="mono">{k}</dt>
                <dd className="mono">{JSON.stringify(config[k])}</dd>
              </div>
            ))}
          </dl>
        </div>
        <div className="card">
          <h2>Lineage</h2>
          <div className="row" data-testid="model-lineage" style={{ marginBottom: 10 }}>
            {chain.map((m) => (
              <span key={m.id}>
                <a href={`/models/${m.id}`}>{m.name}</a> <span className="muted small">({m.kind})</span> →
              </span>
            ))}
            <strong>{model.name}</strong>
            {model.derived.length > 0 && <span className="muted">→ {model.derived.length} derived</span>}
          </div>
          <dl className="kv">
            <dt>Source</dt>
            <dd className="mono">{model.source}</dd>
            {model.parentRun && (
              <>
                <dt>Made by run</dt>
                <dd>
                  <a href={`/runs/${model.parentRun.id}`}>{runLabel(model.parentRun)}</a>
                </dd>
              </>
            )}
            {model.parentMerge && (
              <>
                <dt>Made by merge</dt>
                <dd>
                  <a href={`/merges/${model.parentMerge.id}`}>{model.parentMerge.method}</a> of{' '}
                  {model.parentMerge.parents.map((p) => (
                    <a key={p.model.id} href={`/models/${p.model.id}`} style={{ marginRight: 6 }}>
                      {p.model.name}
                    </a>
                  ))}
                </dd>
              </>
            )}
            <dt>Created</dt>
            <dd>{fmtAgo(model.createdAt)}</dd>
            <dt>Artifact</dt>
            <dd className="mono small">{model.artifactPath}</dd>
          </dl>
          {model.derived.length > 0 && (
            <>
              <h3 style={{ marginTop: 12 }}>Derived models</h3>
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {model.derived.map((d) => (
                  <li key={d.id}>
                    <a href={`/models/${d.id}`}>{d.name}</a> <span className="muted small">{d.kind}</span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </div>
        <div className="card">
          <h2>Tokenizer</h2>
          {tokenizer ? (
            <dl className="kv">
              {Object.entries(tokenizer).map(([k, v]) => (
                <div key={k} style={{ display: 'contents' }}>
                  <dt>{k}</dt>
                  <dd className="mono">{JSON.stringify(v)}</dd>
                </div>
              ))}
            </dl>
          ) : (
            <div className="error-box">
              No tokenizer recorded: runs on this model are refused until it is re-imported with vocab.txt.
            </div>
          )}
        </div>
        {model.task && (
          <EvaluateForm
            modelId={model.id}
            datasets={datasets.map((d) => ({ id: d.id, label: `${d.name} (${d.rowCount} rows)` }))}
          />
        )}
        <div className="card">
          <h2>Runs on this model</h2>
          {model.runsAsBase.length === 0 ? (
            <div className="muted">None yet.</div>
          ) : (
            <table className="data">
              <tbody>
                {model.runsAsBase.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <a href={`/runs/${r.id}`}>{runLabel(r)}</a>
                    </td>
                    <td>
                      <StatusBadge status={r.status} />
                    </td>
                    <td className="muted">{fmtAgo(r.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>
    </>
  );
}
