import { Prisma, prisma, type RunKind, type RunStatus } from '@tunelab/db';
import { z } from 'zod';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
const SORTABLE = ['createdAt', 'status', 'finishedAt', 'progress'] as const;
export const PAGE_SIZE = 50;
/** The kinds the runs list offers. Merge and analysis runs are listed on their own pages. */
export const LISTED_KINDS = [
  'train',
  'pretrain',
  'evaluate',
  'crossval',
  'search',
  'search_candidate',
  'generate',
] as const;
type TListedKind = (typeof LISTED_KINDS)[number];
/** Child runs (search candidates, cross-validation folds) are hidden unless asked for: their parent's page lists them. */
const CHILD_KINDS: readonly TListedKind[] = ['search_candidate'];

export const ZRunsQuery = z.object({
  q: z.string().max(200).optional(),
  status: z.enum(RUN_STATUSES).optional().catch(undefined),
  dataset: z.string().max(64).optional(),
  model: z.string().max(64).optional(),
  tag: z.string().max(64).optional(),
  kind: z.enum(LISTED_KINDS).optional().catch(undefined),
  /** '1' also lists child runs: cross-validation folds and search candidates. */
  children: z
    .enum(['1', '0'])
    .optional()
    .catch(undefined)
    .transform((v) => (v === '1' ? ('1' as const) : undefined)),
  sort: z.enum(SORTABLE).default('createdAt').catch('createdAt'),
  dir: z.enum(['asc', 'desc']).default('desc').catch('desc'),
  page: z.coerce.number().int().min(1).default(1).catch(1),
});
export type TRunsQuery = z.infer<typeof ZRunsQuery>;

/** A listed run: the row's list fields and the names of what it links to. */
export interface RunListItem {
  id: string;
  kind: RunKind;
  status: RunStatus;
  params: Prisma.JsonValue;
  summary: Prisma.JsonValue | null;
  progress: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  tags: string[];
  seed: number | null;
  fraction: number | null;
  sweepId: string | null;
  parentRunId: string | null;
  mergeSearch: { id: string; name: string | null } | null;
  searchCandidate: { searchId: string; phase: string; index: number } | null;
  dataset: { id: string; name: string } | null;
  model: { id: string; name: string } | null;
}

/** `text` as a LIKE pattern matching it anywhere (its own %, _ and \ taken literally). */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * One page of runs: filtering, sorting and paging happen in Postgres so hundreds of runs stay fast.
 * Two SQL statements (the page with its links' names, and the count) rather than the client's
 * query builder: on the dashboard's hottest page each built query cost ~4 ms of CPU to compile.
 */
export async function findRuns(
  query: TRunsQuery,
): Promise<{ total: number; runs: RunListItem[]; pages: number }> {
  const children = query.children === '1';
  // an explicit kind filter shows that kind (search_candidate included); otherwise child kinds are hidden
  const kinds = query.kind ? [query.kind] : LISTED_KINDS.filter((k) => children || !CHILD_KINDS.includes(k));
  const where: Prisma.Sql[] = [Prisma.sql`r."archivedAt" IS NULL`, Prisma.sql`r.kind::text = ANY(${kinds})`];
  if (!children) where.push(Prisma.sql`r."parentRunId" IS NULL`);
  if (query.status) where.push(Prisma.sql`r.status::text = ${query.status}`);
  if (query.dataset) where.push(Prisma.sql`r."datasetId" = ${query.dataset}`);
  if (query.model) where.push(Prisma.sql`r."modelId" = ${query.model}`);
  if (query.tag) where.push(Prisma.sql`${query.tag} = ANY(r.tags)`);
  if (query.q) {
    const like = containsPattern(query.q);
    where.push(Prisma.sql`(r.id LIKE ${like} OR r.name ILIKE ${like}
      OR EXISTS (SELECT 1 FROM "Dataset" d WHERE d.id = r."datasetId" AND d.name ILIKE ${like})
      OR EXISTS (SELECT 1 FROM "Model" m WHERE m.id = r."modelId" AND m.name ILIKE ${like})
      OR ${query.q} = ANY(r.tags))`);
  }
  const filter = Prisma.join(where, ' AND ');
  // the sort key comes from the zod enum; the direction too
  const order = Prisma.raw(`r."${query.sort}" ${query.dir === 'asc' ? 'ASC' : 'DESC'}, r.id DESC`);
  const [counted, runs] = await Promise.all([
    prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "Run" r WHERE ${filter}`,
    prisma.$queryRaw<RunListItem[]>`
      SELECT r.id, r.kind, r.status, r.params, r.summary, r.progress, r."createdAt", r."startedAt",
        r."finishedAt", r.tags, r.seed, r.fraction, r."sweepId", r."parentRunId",
        (SELECT json_build_object('id', s.id, 'name', s.name) FROM "MergeSearch" s WHERE s."runId" = r.id) AS "mergeSearch",
        (SELECT json_build_object('searchId', c."searchId", 'phase', c.phase, 'index', c.index)
           FROM "SearchCandidate" c WHERE c."runId" = r.id) AS "searchCandidate",
        (SELECT json_build_object('id', d.id, 'name', d.name) FROM "Dataset" d WHERE d.id = r."datasetId") AS dataset,
        (SELECT json_build_object('id', m.id, 'name', m.name) FROM "Model" m WHERE m.id = r."modelId") AS model
      FROM "Run" r WHERE ${filter}
      ORDER BY ${order}
      LIMIT ${PAGE_SIZE} OFFSET ${(query.page - 1) * PAGE_SIZE}`,
  ]);
  const total = counted[0]?.n ?? 0;
  return { total, runs, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}

/** The filter choices (latest 200 datasets and models, the first 200 tags), in one statement. */
export async function findRunFilters() {
  const [row] = await prisma.$queryRaw<
    { datasets: { id: string; name: string }[]; models: { id: string; name: string }[]; tags: string[] }[]
  >`
    SELECT
      coalesce((SELECT json_agg(json_build_object('id', d.id, 'name', d.name) ORDER BY d."createdAt" DESC)
        FROM (SELECT id, name, "createdAt" FROM "Dataset" ORDER BY "createdAt" DESC LIMIT 200) d), '[]'::json) AS datasets,
      coalesce((SELECT json_agg(json_build_object('id', m.id, 'name', m.name) ORDER BY m."createdAt" DESC)
        FROM (SELECT id, name, "createdAt" FROM "Model" ORDER BY "createdAt" DESC LIMIT 200) m), '[]'::json) AS models,
      coalesce((SELECT json_agg(t.tag ORDER BY t.tag)
        FROM (SELECT DISTINCT unnest(tags) AS tag FROM "Run" ORDER BY tag LIMIT 200) t), '[]'::json) AS tags`;
  return { datasets: row?.datasets ?? [], models: row?.models ?? [], tags: row?.tags ?? [] };
}
