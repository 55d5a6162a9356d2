import type { TDatasetSpec, TReadDataset } from '@tunelab/core/datasets';
import { getPrisma, type PrismaClient } from './client.ts';

/** Rows per INSERT: large enough to be fast, small enough for Postgres' 65535-parameter limit. */
const BATCH = 5_000;

/**
 * Stores a validated dataset and all its rows in one transaction: either the dataset is complete
 * or nothing at all was written. Status starts `pending`; the dataset.profile job makes it `ready`.
 */
export async function createDataset(
  spec: TDatasetSpec,
  data: TReadDataset,
  file: { fileName?: string } = {},
  client: PrismaClient = getPrisma(),
): Promise<{ id: string; rowCount: number }> {
  const origin = originOf(data);
  return client.$transaction(
    async (tx) => {
      const dataset = await tx.dataset.create({
        data: {
          name: spec.name,
          task: spec.task,
          labelMin: data.labelMin,
          labelMax: data.labelMax,
          classes: data.classes ?? undefined,
          textColumn: spec.textColumn,
          labelColumn: spec.labelColumn,
          splitColumn: spec.splitColumn ?? null,
          sourceColumn: spec.sourceColumn ?? null,
          fileName: file.fileName ?? null,
          format: data.format,
          rowCount: data.rows.length,
          origin,
          tolerance: spec.tolerance,
          status: 'pending',
        },
      });
      for (let start = 0; start < data.rows.length; start += BATCH) {
        await tx.datasetRow.createMany({
          data: data.rows.slice(start, start + BATCH).map((row) => ({ datasetId: dataset.id, ...row })),
        });
      }
      return { id: dataset.id, rowCount: data.rows.length };
    },
    // Big files take a while to insert; the default 5 s would abort them half way (and roll back).
    { timeout: 15 * 60_000, maxWait: 30_000 },
  );
}

function originOf(data: TReadDataset): 'real' | 'synthetic' | 'mixed' {
  let real = false;
  let synthetic = false;
  for (const row of data.rows) {
    if (row.source === 'real') real = true;
    else synthetic = true;
    if (real && synthetic) return 'mixed';
  }
  return synthetic ? 'synthetic' : 'real';
}
