// The runs list against real Postgres: child runs (cross-validation folds, search candidates) are hidden
// by default and shown on request; generation and search runs are listed with their own label and page.
import { createTestDatabase, type TTestDatabase } from '@tunelab/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: TTestDatabase;
let prisma: typeof import('@tunelab/db').prisma;
let GET: typeof import('../api/runs-route.ts').GET;
let toRunRow: typeof import('./to-row.ts').toRunRow;
const ids = {} as Record<
  'train' | 'cv' | 'fold0' | 'fold1' | 'search' | 'mergeSearch' | 'candidate' | 'generate' | 'merge',
  string
>;

type TListed = { id: string; kind: string };
async function list(qs: string) {
  const res = await GET(new Request(`http://x/api/runs?${qs}`));
  expect(res.status).toBe(200);
  return (await res.json()) as { total: number; runs: TListed[] };
}

beforeAll(async () => {
  db = await createTestDatabase('web_runs_list');
  process.env.DATABASE_URL = db.databaseUrl;
  ({ prisma } = await import('@tunelab/db'));
  ({ GET } = await import('../api/runs-route.ts'));
  ({ toRunRow } = await import('./to-row.ts'));
  const dataset = await prisma.dataset.create({
    data: { name: 'interviews', task: 'regression', textColumn: 'text', labelColumn: 'score' },
  });
  ids.train = (await prisma.run.create({ data: { kind: 'train', datasetId: dataset.id } })).id;
  ids.cv = (await prisma.run.create({ data: { kind: 'crossval', datasetId: dataset.id } })).id;
  ids.fold0 = (await prisma.run.create({ data: { kind: 'train', parentRunId: ids.cv } })).id;
  ids.fold1 = (await prisma.run.create({ data: { kind: 'train', parentRunId: ids.cv } })).id;
  const search = await prisma.mergeSearch.create({
    data: { name: 'soup', config: '{}', run: { create: { kind: 'search' } } },
  });
  ids.search = search.runId;
  ids.mergeSearch = search.id;
  ids.candidate = (
    await prisma.run.create({
      data: {
        kind: 'search_candidate',
        searchCandidate: {
          create: { searchId: search.id, phase: 'explore', index: 3, mode: 'recipe', request: {} },
        },
      },
    })
  ).id;
  ids.generate = (
    await prisma.run.create({
      data: {
        kind: 'generate',
        datasetId: dataset.id,
        generation: { create: { spec: {}, endpoint: {} } },
      },
    })
  ).id;
  ids.merge = (await prisma.run.create({ data: { kind: 'merge' } })).id;
}, 120_000);

afterAll(async () => {
  const { disconnectPrisma } = await import('@tunelab/db');
  await disconnectPrisma();
  await db?.drop();
});

describe('GET /api/runs', () => {
  it('hides fold runs and search candidates by default and lists the parents and new kinds', async () => {
    const { runs, total } = await list('');
    const listed = runs.map((r) => r.id).sort();
    expect(listed).toEqual([ids.train, ids.cv, ids.search, ids.generate].sort());
    expect(total).toBe(4);
  });

  it('shows child runs when asked', async () => {
    const { runs } = await list('children=1');
    const listed = runs.map((r) => r.id);
    for (const id of [ids.fold0, ids.fold1, ids.candidate, ids.train, ids.cv, ids.search, ids.generate])
      expect(listed).toContain(id);
    expect(listed).not.toContain(ids.merge);
  });

  it('filters by the new kinds; an explicit search_candidate filter shows candidates', async () => {
    expect((await list('kind=search_candidate')).runs.map((r) => r.id)).toEqual([ids.candidate]);
    expect((await list('kind=generate')).runs.map((r) => r.id)).toEqual([ids.generate]);
    expect((await list('kind=search')).runs.map((r) => r.id)).toEqual([ids.search]);
    // folds are train runs: hidden under kind=train unless child runs are asked for
    expect((await list('kind=train')).runs.map((r) => r.id)).toEqual([ids.train]);
    expect((await list('kind=train&children=1')).runs.map((r) => r.id).sort()).toEqual(
      [ids.train, ids.fold0, ids.fold1].sort(),
    );
  });
});

describe('runs table rows', () => {
  it('labels and links generation, search and candidate runs to their own pages', async () => {
    const { findRuns, ZRunsQuery } = await import('./runs-query.ts');
    const rows = new Map(
      (await findRuns(ZRunsQuery.parse({ children: '1' }))).runs.map((r) => [r.id, toRunRow(r)]),
    );
    expect(rows.get(ids.generate)).toMatchObject({
      href: `/synth/runs/${ids.generate}`,
      label: 'generation · interviews',
    });
    expect(rows.get(ids.search)).toMatchObject({
      href: `/merges/search/${ids.mergeSearch}`,
      label: 'merge search · soup',
    });
    expect(rows.get(ids.candidate)).toMatchObject({
      href: `/merges/search/${ids.mergeSearch}`,
      label: 'search candidate · explore #3',
    });
    expect(rows.get(ids.cv)?.href).toBe(`/runs/${ids.cv}`);
    expect(rows.get(ids.train)?.href).toBe(`/runs/${ids.train}`);
  });

  it('offers the filter choices: newest datasets and models first, tags sorted and distinct', async () => {
    const { findRunFilters } = await import('./runs-query.ts');
    const older = await prisma.dataset.create({
      data: {
        name: 'older',
        task: 'regression',
        textColumn: 't',
        labelColumn: 'l',
        createdAt: new Date('2020-01-01'),
      },
    });
    const m1 = await prisma.model.create({
      data: {
        name: 'bert a',
        kind: 'base',
        config: {},
        artifactPath: 'models/a',
        createdAt: new Date('2020-01-01'),
      },
    });
    const m2 = await prisma.model.create({
      data: { name: 'bert b', kind: 'base', config: {}, artifactPath: 'models/b' },
    });
    await prisma.run.create({ data: { kind: 'train', tags: ['zeta', 'alpha'] } });
    await prisma.run.create({ data: { kind: 'train', tags: ['alpha', 'mid'] } });
    const filters = await findRunFilters();
    expect(filters.datasets.at(-1)).toEqual({ id: older.id, name: 'older' });
    expect(filters.datasets.map((d) => d.name)).toContain('interviews');
    expect(filters.models).toEqual([
      { id: m2.id, name: 'bert b' },
      { id: m1.id, name: 'bert a' },
    ]);
    expect(filters.tags).toEqual(['alpha', 'mid', 'zeta']);
  });

  it('filters by status, tag and a search taken literally, sorts and pages in SQL', async () => {
    const { findRuns, ZRunsQuery, PAGE_SIZE } = await import('./runs-query.ts');
    const model = await prisma.model.create({
      data: { name: 'Model 100%_sure', kind: 'base', config: {}, artifactPath: 'models/sure' },
    });
    const made: string[] = [];
    for (let i = 0; i < PAGE_SIZE + 3; i++) {
      const run = await prisma.run.create({
        data: {
          kind: 'train',
          status: i % 2 ? 'succeeded' : 'failed',
          modelId: model.id,
          tags: i === 7 ? ['pick-me'] : [],
          progress: i / 100,
        },
      });
      made.push(run.id);
    }
    const find = (q: Record<string, string>) => findRuns(ZRunsQuery.parse({ model: model.id, ...q }));
    const all = await find({});
    expect(all.total).toBe(PAGE_SIZE + 3);
    expect(all.pages).toBe(2);
    expect(all.runs).toHaveLength(PAGE_SIZE);
    expect(all.runs[0]?.createdAt).toBeInstanceOf(Date);
    expect(all.runs[0]?.model).toEqual({ id: model.id, name: 'Model 100%_sure' });
    expect((await find({ page: '2' })).runs).toHaveLength(3);
    const failed = await find({ status: 'failed' });
    expect(failed.total).toBe(Math.ceil((PAGE_SIZE + 3) / 2));
    expect(failed.runs.every((r) => r.status === 'failed')).toBe(true);
    expect((await find({ tag: 'pick-me' })).runs.map((r) => r.id)).toEqual([made[7]]);
    // % and _ in the search are literal characters, not wildcards
    expect((await find({ q: '100%_s' })).total).toBe(PAGE_SIZE + 3);
    expect((await find({ q: '100__s' })).total).toBe(0);
    expect((await find({ q: 'model 100' })).total).toBe(PAGE_SIZE + 3);
    const byProgress = await find({ sort: 'progress', dir: 'asc' });
    expect(byProgress.runs.slice(0, 3).map((r) => r.id)).toEqual(made.slice(0, 3));
  });
});
