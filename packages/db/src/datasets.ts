import { randomUUID } from 'node:crypto';
import type { TDatasetRowInput, TDatasetSpec, TReadDataset } from '@tunelab/core/datasets';
import { getPrisma, type Prisma, type PrismaClient } from './client.ts';

/** Rows per INSERT statement (one array parameter per column, so no parameter-count limit). */
const BATCH = 10_000;

/**
 * Inserts rows with one `INSERT ... SELECT FROM unnest(arrays)` per batch. Prisma's createMany
 * took ~35 s and ~1 GB of heap for 120k rows; this is a few seconds and a few MB per batch.
 */
async function insertRows(
  tx: Prisma.TransactionClient,
  datasetId: string,
  rows: readonly TDatasetRowInput[],
) {
  await tx.$executeRawUnsafe(
    `INSERT INTO "DatasetRow" ("id", "datasetId", "index", "text", "label", "labelText", "split", "source")
     SELECT u.id, $1, u.index, u.text, u.label, u.label_text, u.split::"Split", u.source::"RowSource"
     FROM unnest($2::text[], $3::int[], $4::text[], $5::float8[], $6::text[], $7::text[], $8::text[])
       AS u(id, index, text, label, label_text, split, source)`,
    datasetId,
    rows.map(() => randomUUID()),
    rows.map((row) => row.index),
    rows.map((row) => row.text),
    rows.map((row) => row.label),
    rows.map((row) => row.labelText),
    rows.map((row) => row.split),
    rows.map((row) => row.source),
  );
}

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
        await insertRows(tx, dataset.id, data.rows.slice(start, start + BATCH));
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
