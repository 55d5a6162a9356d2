// Queries of the synthetic-data feature: connections (never selecting the key outside the worker),
// the review queue and the provenance of synthetic dataset rows.
import { randomUUID } from 'node:crypto';
import { getPrisma, type Prisma } from './client.ts';

/** The fields of a Connection that may leave the server: everything but the key. */
export const CONNECTION_VIEW = {
  id: true,
  name: true,
  baseUrl: true,
  model: true,
  allowRealRows: true,
  createdAt: true,
  archivedAt: true,
} as const satisfies Prisma.ConnectionSelect;

export type TConnectionView = Prisma.ConnectionGetPayload<{ select: typeof CONNECTION_VIEW }> & {
  hasKey: boolean;
};

export async function listConnections(): Promise<TConnectionView[]> {
  const rows = await getPrisma().connection.findMany({
    where: { archivedAt: null },
    orderBy: { createdAt: 'desc' },
    select: { ...CONNECTION_VIEW, apiKey: true },
  });
  return rows.map(({ apiKey, ...rest }) => ({ ...rest, hasKey: !!apiKey }));
}

export async function findConnectionView(id: string): Promise<TConnectionView | null> {
  const row = await getPrisma().connection.findUnique({
    where: { id },
    select: { ...CONNECTION_VIEW, apiKey: true },
  });
  if (!row) return null;
  const { apiKey, ...rest } = row;
  return { ...rest, hasKey: !!apiKey };
}

/** The connection with its key: for the worker and the test-connection call only. */
export async function findConnectionWithKey(id: string) {
  return getPrisma().connection.findUnique({ where: { id } });
}

export interface TSyntheticRowInput {
  text: string;
  label: number;
  split: 'train' | 'eval' | 'test';
  textId: string;
  provenance: Record<string, unknown>;
}

/**
 * Stores a synthetic dataset (origin synthetic, every row source synthetic) with one provenance
 * row per dataset row, in one transaction. Status starts pending: the caller enqueues its profile.
 */
export async function createSyntheticDataset(
  data: {
    name: string;
    task: 'regression' | 'classification';
    labelMin: number | null;
    labelMax: number | null;
    classes?: Prisma.InputJsonValue;
    tolerance: number;
    parents?: Prisma.InputJsonValue;
  },
  rows: readonly TSyntheticRowInput[],
): Promise<{ id: string; rowCount: number }> {
  return getPrisma().$transaction(async (tx) => {
    const dataset = await tx.dataset.create({
      data: {
        ...data,
        textColumn: 'text',
        labelColumn: 'label',
        splitColumn: 'split',
        sourceColumn: 'source',
        origin: 'synthetic',
        rowCount: rows.length,
        status: 'pending',
      },
    });
    // Row ids chosen here, so each provenance row names its dataset row (composed copies of the
    // row reach it through DatasetRow.originRowId: rowOrigins()).
    const rowIds = rows.map(() => randomUUID());
    await tx.datasetRow.createMany({
      data: rows.map((r, index) => ({
        id: rowIds[index] as string,
        datasetId: dataset.id,
        index,
        text: r.text,
        label: r.label,
        split: r.split,
        source: 'synthetic' as const,
      })),
    });
    await tx.synthDatasetRow.createMany({
      data: rows.map((r, index) => ({
        datasetId: dataset.id,
        index,
        rowId: rowIds[index] as string,
        textId: r.textId,
        provenance: r.provenance as Prisma.InputJsonValue,
      })),
    });
    return { id: dataset.id, rowCount: rows.length };
  });
}
