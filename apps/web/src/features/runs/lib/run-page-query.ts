import { type Prisma, prisma, type Run } from '@tunelab/db';

/** The run with what its page links to and shows, as one SQL statement (was eight built queries). */
export type RunPageRow = Run & {
  dataset: {
    id: string;
    name: string;
    task: string;
    tolerance: number;
    classes: Prisma.JsonValue | null;
    items: Prisma.JsonValue | null;
  } | null;
  model: { id: string; name: string; kind: string } | null;
  resultModel: { id: string; name: string } | null;
  sweep: { id: string; name: string } | null;
  /** The latest evaluation (at most one). */
  evaluations: { split: string; predictions: Prisma.JsonValue | null }[];
  parentRun: { id: string; name: string | null } | null;
  childRuns: {
    id: string;
    status: string;
    params: Prisma.JsonValue;
    summary: Prisma.JsonValue | null;
    error: string | null;
  }[];
};

export async function findRunPageRow(id: string): Promise<RunPageRow | undefined> {
  const [row] = await prisma.$queryRaw<RunPageRow[]>`
    SELECT r.*,
      (SELECT json_build_object('id', d.id, 'name', d.name, 'task', d.task, 'tolerance', d.tolerance,
              'classes', d.classes, 'items', d.items)
         FROM "Dataset" d WHERE d.id = r."datasetId") AS dataset,
      (SELECT json_build_object('id', m.id, 'name', m.name, 'kind', m.kind) FROM "Model" m WHERE m.id = r."modelId") AS model,
      (SELECT json_build_object('id', m.id, 'name', m.name) FROM "Model" m WHERE m."parentRunId" = r.id) AS "resultModel",
      (SELECT json_build_object('id', s.id, 'name', s.name) FROM "Sweep" s WHERE s.id = r."sweepId") AS sweep,
      coalesce((SELECT json_agg(json_build_object('split', e.split, 'predictions', e.predictions))
         FROM (SELECT split, predictions FROM "Evaluation" WHERE "runId" = r.id ORDER BY "createdAt" DESC LIMIT 1) e),
        '[]'::json) AS evaluations,
      (SELECT json_build_object('id', p.id, 'name', p.name) FROM "Run" p WHERE p.id = r."parentRunId") AS "parentRun",
      coalesce((SELECT json_agg(json_build_object('id', c.id, 'status', c.status, 'params', c.params,
              'summary', c.summary, 'error', c.error))
         FROM "Run" c WHERE c."parentRunId" = r.id), '[]'::json) AS "childRuns"
    FROM "Run" r WHERE r.id = ${id}`;
  return row;
}
