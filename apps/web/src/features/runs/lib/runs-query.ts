import { prisma } from '@tunelab/db';
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

/** One page of runs: filtering, sorting and paging happen in Postgres so hundreds of runs stay fast. */
export async function findRuns(query: TRunsQuery) {
  const children = query.children === '1';
  const where = {
    archivedAt: null,
    // an explicit kind filter shows that kind (search_candidate included); otherwise child kinds are hidden
    kind: query.kind ? query.kind : { in: LISTED_KINDS.filter((k) => children || !CHILD_KINDS.includes(k)) },
    ...(children ? {} : { parentRunId: null }),
    ...(query.status ? { status: query.status } : {}),
    ...(query.dataset ? { datasetId: query.dataset } : {}),
    ...(query.model ? { modelId: query.model } : {}),
    ...(query.tag ? { tags: { has: query.tag } } : {}),
    ...(query.q
      ? {
          OR: [
            { id: { contains: query.q } },
            { name: { contains: query.q, mode: 'insensitive' as const } },
            { dataset: { name: { contains: query.q, mode: 'insensitive' as const } } },
            { model: { name: { contains: query.q, mode: 'insensitive' as const } } },
            { tags: { has: query.q } },
          ],
        }
      : {}),
  };
  const [total, runs] = await Promise.all([
    prisma.run.count({ where }),
    prisma.run.findMany({
      where,
      orderBy: [{ [query.sort]: query.dir }, { id: 'desc' }],
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        kind: true,
        status: true,
        params: true,
        summary: true,
        progress: true,
        createdAt: true,
        startedAt: true,
        finishedAt: true,
        tags: true,
        seed: true,
        fraction: true,
        sweepId: true,
        parentRunId: true,
        mergeSearch: { select: { id: true, name: true } },
        searchCandidate: { select: { searchId: true, phase: true, index: true } },
        dataset: { select: { id: true, name: true } },
        model: { select: { id: true, name: true } },
      },
    }),
  ]);
  return { total, runs, pages: Math.max(1, Math.ceil(total / PAGE_SIZE)) };
}
export type RunListItem = Awaited<ReturnType<typeof findRuns>>['runs'][number];

export async function findRunFilters() {
  const [datasets, models, tags] = await Promise.all([
    prisma.dataset.findMany({ select: { id: true, name: true }, orderBy: { createdAt: 'desc' }, take: 200 }),
    prisma.model.findMany({ select: { id: true, name: true }, orderBy: { createdAt: 'desc' }, take: 200 }),
    prisma.$queryRaw<
      { tag: string }[]
    >`SELECT DISTINCT unnest(tags) AS tag FROM "Run" ORDER BY tag LIMIT 200`,
  ]);
  return { datasets, models, tags: tags.map((t) => t.tag) };
}
