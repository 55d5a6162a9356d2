import {
  checkComposable,
  composeDatasets,
  type TComposeInput,
  type TComposeParent,
  type TComposeSpec,
  type TDatasetLineage,
} from '@tunelab/core/datasets';
import { createComposedDataset, firstOrigin, getPrisma } from '@tunelab/db';
import { HttpError } from '../../../common/server/http.ts';
import { enqueueProfileOrDiscard } from './create-from-upload.ts';

/**
 * Composes a new dataset from the parents named in `spec`: checks them (before loading any row, so
 * a refusal is cheap), samples with composeDatasets(), stores dataset + rows + lineage in one
 * transaction and enqueues its profile job like an upload. Refusals throw before anything is written.
 */
export async function composeDataset(
  spec: TComposeSpec,
): Promise<{ id: string; rowCount: number; lineage: TDatasetLineage }> {
  const prisma = getPrisma();
  const ids = spec.sources.map((source) => source.datasetId);
  const found = await prisma.dataset.findMany({ where: { id: { in: ids } } });
  const byId = new Map(found.map((dataset) => [dataset.id, dataset]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) throw new HttpError(404, 'not_found', `Unknown dataset ${missing.join(', ')}`);
  const records = ids.map((id) => byId.get(id)).filter((dataset) => dataset !== undefined);
  const parents: TComposeParent[] = records.map((dataset) => ({
    id: dataset.id,
    name: dataset.name,
    task: dataset.task,
    status: dataset.status,
    origin: dataset.origin,
    labelMin: dataset.labelMin,
    labelMax: dataset.labelMax,
    classes: Array.isArray(dataset.classes) ? dataset.classes.map(String) : null,
    tolerance: dataset.tolerance,
    rowCount: dataset.rowCount,
  }));
  checkComposable(parents);
  const inputs: TComposeInput[] = [];
  for (const parent of parents) {
    const rows = await prisma.datasetRow.findMany({
      where: { datasetId: parent.id },
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
        group: true,
      },
    });
    // documents of different parents never merge: a document is named within its dataset; each
    // copy names the row it first came from (provenance: rowOrigins() in @tunelab/db)
    inputs.push({
      ...parent,
      rows: rows.map(({ id, originRowId, ...r }) => ({
        ...r,
        originRowId: firstOrigin({ id, originRowId }),
        group: r.group === null ? null : `${parent.name}/${r.group}`,
      })),
    });
  }
  const composition = composeDatasets(inputs, spec);
  const first = records[0];
  const created = await createComposedDataset(spec.name, composition, {
    textColumn: first?.textColumn ?? 'text',
    labelColumn: first?.labelColumn ?? 'label',
    ...(composition.rows.some((r) => r.group) ? { groupColumn: 'document' } : {}),
  });
  await enqueueProfileOrDiscard(created.id);
  return { ...created, lineage: composition.lineage };
}
