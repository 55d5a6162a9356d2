import { recipeYaml } from '@tunelab/core/merge-search';
import { prisma } from '@tunelab/db';
import { notFound } from 'next/navigation';
import { AutoRefresh } from '../../common/components/auto-refresh.tsx';
import { StatusBadge } from '../../common/components/status-badge.tsx';
import { fmtAgo } from '../../common/format.ts';
import { RunLifecycle } from '../runs/components/run-lifecycle.tsx';
import { MaterialiseButton } from './components/search-buttons.tsx';
import { ObjectiveChart, ParetoChart } from './components/search-charts.tsx';
import { searchView, type TStoredSearchResult } from './lib/search-view.ts';

/** /merges/search/[id]: a recipe search's progress, Pareto front, best recipe and its materialisation. */
export async function SearchPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const search = await prisma.mergeSearch.findUnique({
    where: { id },
    include: { run: { select: { status: true } } },
  });
  if (!search) notFound();
  const view = searchView(search.result as TStoredSearchResult | null, 0);
  const open = search.run.status === 'queued' || search.run.status === 'running';
  const models = await prisma.model.findMany({
    where: {
      id: {
        in: view.best
          ? [view.best.recipe.config.base_model ?? '', ...view.best.recipe.config.models.map((m) => m.model)]
          : [],
      },
    },
    select: { id: true, name: true },
  });
  const nameOf = (ref: string) => models.find((m) => m.id === ref)?.name ?? ref;
  return (
    <>
      <AutoRefresh active={open} everyMs={2000} />
      <div className="page-head">
        <h1>{search.name ?? `Search ${search.id}`}</h1>
        <span className="badge">recipe search</span>
        <StatusBadge status={search.run.status} />
        <span className="spacer" />
        {view.best && <MaterialiseButton searchId={search.id} />}
      </div>
      <RunLifecycle runId={search.runId} />
      <div className="grid two">
        <div className="card">
          <h2>
            Objective against evaluations{' '}
            <span className="muted small" data-testid="search-count">
              {view.trace.length} / {view.budget || '—'}
            </span>
          </h2>
          <ObjectiveChart view={view} />
          <p className="muted small">Dots: each candidate on the subsamples; line: the best so far.</p>
        </div>
        <div className="card">
          <h2>Pareto front of the domains</h2>
          <ParetoChart view={view} />
          <p className="muted small">
            Each domain normalised: 0 = the base (or the reference predictor), 1 = that domain's own
            fine-tune.
          </p>
        </div>
      </div>
      {view.rescored.length > 0 && (
        <div className="card">
          <h2>Best candidates, rescored on the full eval sets</h2>
          <table data-testid="search-rescored">
            <thead>
              <tr>
                <th>Candidate</th>
                <th>Method</th>
                <th>Objective (subsample)</th>
                <th>Objective (full)</th>
                {view.domains.map((d) => (
                  <th key={d}>{d} (full)</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {view.rescored.map((r) => (
                <tr key={r.index}>
                  <td>{r.index}</td>
                  <td className="mono">{r.method}</td>
                  <td>{r.subsample.toFixed(4)}</td>
                  <td>{r.full.toFixed(4)}</td>
                  {r.fullScores.map((s, i) => (
                    <td key={view.domains[i]}>{s.toFixed(4)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="grid two">
        {view.best && (
          <div className="card">
            <h2>Best recipe (mergekit YAML)</h2>
            <pre className="mono small" data-testid="search-best-yaml">
              {recipeYaml(view.best.recipe.config)}
            </pre>
            <p className="muted small">
              Models by TuneLab id:{' '}
              {[view.best.recipe.config.base_model, ...view.best.recipe.config.models.map((m) => m.model)]
                .filter((r): r is string => Boolean(r))
                .map((r) => `${r} = ${nameOf(r)}`)
                .join('; ')}
            </p>
          </div>
        )}
        <div className="card">
          <h2>Search config</h2>
          <pre className="mono small">{search.config}</pre>
          <p className="muted small">Created {fmtAgo(search.createdAt)}.</p>
        </div>
      </div>
    </>
  );
}
