// Queries of the synthetic-data feature: connections (the key is sealed, see secrets.ts; selected
// only where an endpoint is called),
// the review queue and the provenance of synthetic dataset rows.
import { randomUUID } from 'node:crypto';
import { getPrisma, type Prisma } from './client.ts';
import { openSecret, sealedKeyId, sealSecret, secretKeys, type TSecretKeys } from './secrets.ts';

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
    select: { ...CONNECTION_VIEW, apiKeySealed: true },
  });
  return rows.map(({ apiKeySealed, ...rest }) => ({ ...rest, hasKey: !!apiKeySealed }));
}

export async function findConnectionView(id: string): Promise<TConnectionView | null> {
  const row = await getPrisma().connection.findUnique({
    where: { id },
    select: { ...CONNECTION_VIEW, apiKeySealed: true },
  });
  if (!row) return null;
  const { apiKeySealed, ...rest } = row;
  return { ...rest, hasKey: !!apiKeySealed };
}

/** The connection with its sealed key (openConnectionKey opens it): for the worker and the test-connection call only. */
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

/**
 * Seals every stored key that is still plain text (rows from before sealing) and re-seals those under
 * a previous key with the current one (rotation). Keys under an unknown key are left as they are
 * (their run fails naming the connection). Runs at `npm start` and worker start; idempotent.
 */
export async function sealStoredKeys(
  keys: TSecretKeys = secretKeys(),
): Promise<{ sealed: number; resealed: number; unknown: number }> {
  const prisma = getPrisma();
  const rows = await prisma.connection.findMany({
    where: { apiKeySealed: { not: null } },
    select: { id: true, name: true, apiKeySealed: true },
  });
  const counts = { sealed: 0, resealed: 0, unknown: 0 };
  for (const row of rows) {
    const value = row.apiKeySealed as string;
    const keyId = sealedKeyId(value);
    if (keyId === keys.current.id) continue;
    let next: string;
    if (keyId === undefined) {
      next = sealSecret(value, keys);
      counts.sealed++;
    } else if (keys.byId.has(keyId)) {
      next = sealSecret(openSecret(value, `connection "${row.name}"`, keys), keys);
      counts.resealed++;
    } else {
      counts.unknown++;
      continue;
    }
    // Only if unchanged meanwhile (a save from the dashboard wins).
    await prisma.connection.updateMany({
      where: { id: row.id, apiKeySealed: value },
      data: { apiKeySealed: next },
    });
  }
  return counts;
}
