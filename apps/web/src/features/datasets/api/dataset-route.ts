import { getPrisma, rowOrigins, type TRowOrigin } from '@tunelab/db';
import { z } from 'zod';
import { jsonError, zodMessage } from '../../../common/server/http.ts';

type TContext = { params: Promise<{ id: string }> };

/** GET /api/datasets/:id → the dataset with its profile (stats) once the worker computed it. */
export async function GET(_request: Request, { params }: TContext): Promise<Response> {
  const { id } = await params;
  const dataset = await getPrisma().dataset.findUnique({ where: { id } });
  if (!dataset) return jsonError(404, `Dataset ${id} not found`);
  return Response.json({ dataset }, { headers: { 'cache-control': 'no-store' } });
}

const ZRowsQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
  split: z.enum(['train', 'eval', 'test']).optional(),
});

/** GET /api/datasets/:id/rows?page=1&pageSize=50&split=eval → one page of rows in file order. */
export async function GET_ROWS(request: Request, { params }: TContext): Promise<Response> {
  const { id } = await params;
  const parsed = ZRowsQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return jsonError(400, zodMessage(parsed.error));
  const { page, pageSize, split } = parsed.data;
  const prisma = getPrisma();
  const where = { datasetId: id, ...(split ? { split } : {}) };
  const [total, rows] = await Promise.all([
    prisma.datasetRow.count({ where }),
    prisma.datasetRow.findMany({
      where,
      orderBy: { index: 'asc' },
      skip: (page - 1) * pageSize,
      take: pageSize,
      select: {
        id: true,
        originRowId: true,
        index: true,
        text: true,
        label: true,
        labelText: true,
        split: true,
        source: true,
        fold: true,
      },
    }),
  ]);
  const origins = await rowOrigins(rows.filter((r) => r.source === 'synthetic'));
  return Response.json(
    {
      total,
      page,
      pageSize,
      rows: rows.map(({ id, originRowId: _, ...row }) => ({
        ...row,
        provenance: rowProvenance(origins.get(id)),
      })),
    },
    { headers: { 'cache-control': 'no-store' } },
  );
}

/** What the rows browser shows of a synthetic row's generation record (null: none recorded). */
function rowProvenance(origin: TRowOrigin | undefined) {
  if (!origin) return null;
  const p = origin.provenance;
  return {
    originDatasetId: origin.datasetId,
    runId: p.runId,
    textId: p.textId,
    origin: p.origin,
    enteredBy: p.enteredBy,
    connection: p.connection?.name ?? null,
    model: p.model,
    prompt: p.prompt,
    seed: p.seed,
    target: p.target,
    scoreChoice: p.scoreChoice,
    scoreUsed: p.scoreUsed,
    reviewers: p.reviewers.map((r) => ({ reviewer: r.reviewer, decision: r.decision, score: r.score })),
    edits: p.edits.length,
  };
}

export type TRowProvenanceView = NonNullable<ReturnType<typeof rowProvenance>>;
