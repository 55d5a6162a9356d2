// Dataset export (CSV or JSON lines): every row in file order with its provenance. A synthetic row
// made in the review queue (in this dataset or composed into it) carries its generation record:
// the generation run, connection, model, prompt, seed, reviewers, edits and the score used.
import { getPrisma, rowOrigins, type TRowOrigin } from '@tunelab/db';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { HttpError } from '../../../common/server/http.ts';

export const ZExportFormat = z.enum(['csv', 'jsonl']);
export type TExportFormat = z.infer<typeof ZExportFormat>;

/** CSV columns after the row's own: the provenance of a synthetic row, empty for a real one. */
export const PROVENANCE_COLUMNS = [
  'origin_row_id',
  'origin_dataset_id',
  'generation_run_id',
  'text_id',
  'text_origin',
  'entered_by',
  'connection',
  'model',
  'prompt',
  'seed',
  'temperature',
  'target',
  'score_choice',
  'score_used',
  'reviewers',
  'edits',
] as const;

function provenanceCells(origin: TRowOrigin | undefined): (string | number | null)[] {
  if (!origin) return PROVENANCE_COLUMNS.map(() => null);
  const p = origin.provenance;
  return [
    origin.originRowId,
    origin.datasetId,
    p.runId,
    p.textId,
    p.origin,
    p.enteredBy,
    p.connection?.name ?? null,
    p.model,
    p.prompt,
    p.seed,
    p.temperature,
    p.target,
    p.scoreChoice,
    p.scoreUsed,
    // "ana:edit:5; ben:accept:3"
    p.reviewers.map((r) => `${r.reviewer}:${r.decision}:${r.score ?? ''}`).join('; '),
    p.edits.length,
  ];
}

export async function exportDataset(
  datasetId: string,
  format: TExportFormat,
): Promise<{ name: string; body: string }> {
  const prisma = getPrisma();
  const dataset = await prisma.dataset.findUnique({ where: { id: datasetId }, select: { name: true } });
  if (!dataset) throw new HttpError(404, 'not_found', `Unknown dataset ${datasetId}`);
  const rows = await prisma.datasetRow.findMany({
    where: { datasetId },
    orderBy: { index: 'asc' },
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
      group: true,
    },
  });
  const origins = await rowOrigins(rows.filter((r) => r.source === 'synthetic'));
  if (format === 'jsonl') {
    const lines = rows.map(({ id, originRowId: _, ...r }) => {
      const origin = origins.get(id);
      return JSON.stringify({
        ...r,
        provenance: origin
          ? { originRowId: origin.originRowId, originDatasetId: origin.datasetId, ...origin.provenance }
          : null,
      });
    });
    return { name: dataset.name, body: lines.length ? `${lines.join('\n')}\n` : '' };
  }
  const header = [
    'index',
    'text',
    'label',
    'label_text',
    'split',
    'source',
    'fold',
    'group',
    ...PROVENANCE_COLUMNS,
  ];
  const records = rows.map((r) => [
    r.index,
    r.text,
    r.label,
    r.labelText,
    r.split,
    r.source,
    r.fold,
    r.group,
    ...provenanceCells(origins.get(r.id)),
  ]);
  return { name: dataset.name, body: stringify([header, ...records]) };
}
