// Where a dataset row came from: the one resolver of synthetic-row provenance. A synthetic dataset
// stores one SynthDatasetRow per row (connection, model, prompt, seed, reviewers, edits, score
// used); a row copied into another dataset (compose) keeps DatasetRow.originRowId, the id of the
// row it first came from, so any copy resolves to the same record in one lookup.
import type { TOriginSummary } from '@tunelab/core/dashboard';
import { z } from 'zod';
import { getPrisma, type PrismaClient } from './client.ts';

/** The provenance makeSyntheticDataset() records per row (extra keys are kept). */
export const ZSynthProvenance = z.looseObject({
  textId: z.string(),
  /** 'generated' | 'manual' */
  origin: z.string(),
  enteredBy: z.string().nullable().default(null),
  /** The generation run (Run id) that wrote the text; null for a text entered by hand. */
  runId: z.string().nullable().default(null),
  connection: z
    .object({ name: z.string().optional(), baseUrl: z.string().optional() })
    .nullable()
    .default(null),
  model: z.string().nullable().default(null),
  prompt: z.string().nullable().default(null),
  seed: z.number().nullable().default(null),
  temperature: z.number().nullable().default(null),
  fewShotRowIds: z.array(z.string()).default([]),
  item: z.string().nullable().default(null),
  target: z.number(),
  scoreChoice: z.string(),
  scoreUsed: z.number(),
  reviewers: z
    .array(
      z.object({
        reviewer: z.string(),
        decision: z.string(),
        score: z.number().nullable(),
        blind: z.boolean().optional(),
      }),
    )
    .default([]),
  edits: z.array(z.object({ reviewer: z.string(), text: z.string().nullable() })).default([]),
  originalText: z.string().nullable().default(null),
});
export type TSynthProvenance = z.infer<typeof ZSynthProvenance>;

export interface TRowOrigin {
  /** The row the provenance was recorded for (in the synthetic dataset it was first stored in). */
  originRowId: string;
  /** That synthetic dataset and the row's index in it. */
  datasetId: string;
  index: number;
  provenance: TSynthProvenance;
}

/** The id a copy of this row must name: the row it came from, or the row itself. */
export function firstOrigin(row: { id: string; originRowId: string | null }): string {
  return row.originRowId ?? row.id;
}

/**
 * The provenance record of each row that has one, by the row's own id: a row of a synthetic
 * dataset and every composed copy of it resolve to the same record. Rows without one (real rows,
 * synthetic rows uploaded from a file) are absent from the map.
 */
export async function rowOrigins(
  rows: readonly { id: string; originRowId: string | null }[],
  client: PrismaClient = getPrisma(),
): Promise<Map<string, TRowOrigin>> {
  const firsts = [...new Set(rows.map(firstOrigin))];
  const records = new Map<string, TRowOrigin>();
  // Chunks keep the IN list of a large dataset within the protocol's parameter limit.
  for (let start = 0; start < firsts.length; start += 10_000) {
    const found = await client.synthDatasetRow.findMany({
      where: { rowId: { in: firsts.slice(start, start + 10_000) } },
    });
    for (const f of found) {
      const parsed = ZSynthProvenance.safeParse(f.provenance);
      if (f.rowId && parsed.success)
        records.set(f.rowId, {
          originRowId: f.rowId,
          datasetId: f.datasetId,
          index: f.index,
          provenance: parsed.data,
        });
    }
  }
  const out = new Map<string, TRowOrigin>();
  for (const row of rows) {
    const record = records.get(firstOrigin(row));
    if (record) out.set(row.id, record);
  }
  return out;
}

/** How many of some rows are synthetic, and which generation runs (or hands) wrote them. */
export async function summarizeOrigins(
  rows: readonly { id: string; originRowId: string | null; source: string }[],
  client: PrismaClient = getPrisma(),
): Promise<TOriginSummary> {
  const synthetic = rows.filter((r) => r.source === 'synthetic');
  const origins = await rowOrigins(synthetic, client);
  const byRun = new Map<string, TOriginSummary['generations'][number]>();
  let manual = 0;
  let untraced = 0;
  for (const row of synthetic) {
    const p = origins.get(row.id)?.provenance;
    if (!p) untraced++;
    else if (!p.runId) manual++;
    else {
      const entry = byRun.get(p.runId) ?? {
        runId: p.runId,
        model: p.model,
        connection: p.connection?.name ?? null,
        rows: 0,
      };
      entry.rows++;
      byRun.set(p.runId, entry);
    }
  }
  return {
    rows: rows.length,
    real: rows.length - synthetic.length,
    synthetic: synthetic.length,
    generations: [...byRun.values()].sort((a, b) => b.rows - a.rows || a.runId.localeCompare(b.runId)),
    manual,
    untraced,
  };
}
