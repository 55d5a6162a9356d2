import { randomUUID } from 'node:crypto';
import type { TComposition, TDatasetRowInput, TDatasetSpec, TReadDataset } from '@tunelab/core/datasets';
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
    `INSERT INTO "DatasetRow" ("id", "datasetId", "index", "text", "label", "labelText", "split", "source", "group", "labels", "item", "originRowId")
     SELECT u.id, $1, u.index, u.text, u.label, u.label_text, u.split::"Split", u.source::"RowSource", u.grp, u.labels::jsonb, u.item, u.origin
     FROM unnest($2::text[], $3::int[], $4::text[], $5::float8[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::int[], $12::text[])
       AS u(id, index, text, label, label_text, split, source, grp, labels, item, origin)`,
    datasetId,
    rows.map(() => randomUUID()),
    rows.map((row) => row.index),
    rows.map((row) => row.text),
    rows.map((row) => row.label),
    rows.map((row) => row.labelText),
    rows.map((row) => row.split),
    rows.map((row) => row.source),
    rows.map((row) => row.group ?? null),
    rows.map((row) => (row.labels ? JSON.stringify(row.labels) : null)),
    rows.map((row) => row.item ?? null),
    rows.map((row) => row.originRowId ?? null),
  );
}

/** Creates the Dataset row and inserts its rows in one transaction: all of it or nothing. */
async function storeDataset(
  client: PrismaClient,
  data: Prisma.DatasetUncheckedCreateInput,
  rows: readonly TDatasetRowInput[],
  signal?: AbortSignal,
): Promise<{ id: string; rowCount: number }> {
  return client.$transaction(
    async (tx) => {
      signal?.throwIfAborted();
      const dataset = await tx.dataset.create({
        data: { ...data, rowCount: rows.length, status: 'pending' },
      });
      for (let start = 0; start < rows.length; start += BATCH) {
        // a client that went away stops the insert between batches; the transaction rolls back
        signal?.throwIfAborted();
        await insertRows(tx, dataset.id, rows.slice(start, start + BATCH));
      }
      signal?.throwIfAborted();
      return { id: dataset.id, rowCount: rows.length };
    },
    // Big files take a while to insert; the default 5 s would abort them half way (and roll back).
    { timeout: 15 * 60_000, maxWait: 30_000 },
  );
}

/**
 * Stores a validated dataset and all its rows in one transaction: either the dataset is complete
 * or nothing at all was written. Status starts `pending`; the dataset.profile job makes it `ready`.
 */
export async function createDataset(
  spec: TDatasetSpec,
  data: TReadDataset,
  file: { fileName?: string; clientKey?: string; signal?: AbortSignal } = {},
  client: PrismaClient = getPrisma(),
): Promise<{ id: string; rowCount: number }> {
  return storeDataset(
    client,
    {
      name: spec.name,
      task: spec.task,
      labelMin: data.labelMin,
      labelMax: data.labelMax,
      classes: data.classes ?? undefined,
      textColumn: spec.textColumn,
      labelColumn: spec.labelColumn,
      splitColumn: spec.splitColumn ?? null,
      sourceColumn: spec.sourceColumn ?? null,
      groupColumn: spec.groupColumn ?? null,
      fileName: file.fileName ?? null,
      clientKey: file.clientKey ?? null,
      format: data.format,
      origin: originOf(data),
      tolerance: spec.tolerance,
      shape: data.shape,
      items: data.items ?? undefined,
      labelColumns: spec.labelColumns ?? undefined,
      itemColumn: spec.itemColumn ?? null,
    },
    data.rows,
    file.signal,
  );
}

/** The dataset an earlier create with this Idempotency-Key made, if any. */
export async function findDatasetByClientKey(
  clientKey: string,
  client: PrismaClient = getPrisma(),
): Promise<{ id: string; rowCount: number } | null> {
  return client.dataset.findUnique({ where: { clientKey }, select: { id: true, rowCount: true } });
}

/**
 * Stores a composed dataset (composeDatasets() output) with its lineage in Dataset.parents, in one
 * transaction like an upload. Column names are the first parent's, for display and re-export.
 */
export async function createComposedDataset(
  name: string,
  composition: TComposition,
  columns: { textColumn: string; labelColumn: string; groupColumn?: string },
  client: PrismaClient = getPrisma(),
): Promise<{ id: string; rowCount: number }> {
  return storeDataset(
    client,
    {
      name,
      task: composition.task,
      labelMin: composition.labelMin,
      labelMax: composition.labelMax,
      classes: composition.classes ?? undefined,
      textColumn: columns.textColumn,
      labelColumn: columns.labelColumn,
      splitColumn: 'split',
      sourceColumn: 'source',
      groupColumn: columns.groupColumn ?? null,
      origin: composition.origin,
      tolerance: composition.tolerance,
      parents: composition.lineage,
    },
    composition.rows,
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
