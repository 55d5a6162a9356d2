import { AutoRefresh } from '../../common/components/auto-refresh.tsx';
import { RunsTable } from './components/runs-table.tsx';
import { findRunFilters, findRuns, RUN_STATUSES, type TRunsQuery, ZRunsQuery } from './lib/runs-query.ts';
import { toRunRow } from './lib/to-row.ts';

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function hrefWith(query: TRunsQuery, patch: Partial<TRunsQuery>): string {
  const merged = { ...query, ...patch };
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(merged))
    if (v !== undefined && v !== '' && v !== null) p.set(k, String(v));
  return `/runs?${p.toString()}`;
}

export async function RunsPage({ searchParams }: { searchParams: SearchParams }) {
  const raw = await searchParams;
  const flat = Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v || undefined]),
  );
  const query = ZRunsQuery.parse(flat);
  const [{ runs, total, pages }, filters] = await Promise.all([findRuns(query), findRunFilters()]);
  const sortLink = (key: TRunsQuery['sort']) =>
    hrefWith(query, { sort: key, dir: query.sort === key && query.dir === 'desc' ? 'asc' : 'desc', page: 1 });

  return (
    <>
      <AutoRefresh active={runs.some((r) => r.status === 'queued' || r.status === 'running')} />
      <div className="page-head">
        <h1>Runs</h1>
        <span className="muted">{total} total</span>
        <span className="spacer" />
        <a className="button primary" href="/runs/new" data-testid="new-run">
          New run
        </a>
      </div>
      <form className="card row" method="get" action="/runs" data-testid="runs-filter">
        <input
          name="q"
          placeholder="Search id, dataset, model, tag"
          defaultValue={query.q ?? ''}
          style={{ minWidth: 240 }}
        />
        <select name="status" defaultValue={query.status ?? ''} aria-label="status">
          <option value="">any status</option>
          {RUN_STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <select name="dataset" defaultValue={query.dataset ?? ''} aria-label="dataset">
          <option value="">any dataset</option>
          {filters.datasets.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
        <select name="model" defaultValue={query.model ?? ''} aria-label="model">
          <option value="">any base model</option>
          {filters.models.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </select>
        <select name="tag" defaultValue={query.tag ?? ''} aria-label="tag">
          <option value="">any tag</option>
          {filters.tags.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <select name="kind" defaultValue={query.kind ?? ''} aria-label="kind">
          <option value="">any kind</option>
          <option value="train">fine-tune</option>
          <option value="pretrain">pretrain</option>
          <option value="evaluate">evaluation</option>
          <option value="crossval">cross-validation</option>
          <option value="search">merge search</option>
          <option value="search_candidate">search candidate</option>
          <option value="generate">generation</option>
        </select>
        <label className="small">
          <input type="checkbox" name="children" value="1" defaultChecked={query.children === '1'} /> show
          child runs (folds, search candidates)
        </label>
        <button type="submit">Filter</button>
        <a href="/runs" className="small">
          clear
        </a>
      </form>
      <div className="card">
        <RunsTable
          rows={runs.map(toRunRow)}
          sortLinks={{ status: sortLink('status'), createdAt: sortLink('createdAt') }}
        />
        <div className="pager">
          {query.page > 1 && <a href={hrefWith(query, { page: query.page - 1 })}>← previous</a>}
          <span className="muted">
            page {query.page} of {pages}
          </span>
          {query.page < pages && <a href={hrefWith(query, { page: query.page + 1 })}>next →</a>}
        </div>
      </div>
    </>
  );
}
