import { assignFolds, type TFoldAssignment } from '@tunelab/core/datasets';
import { getPrisma, Prisma, type PrismaClient } from './client.ts';

/**
 * (Re)assigns seeded stratified k folds to a dataset's train and eval rows, in one transaction.
 * Test rows get no fold: they stay the held-out set, so cross-validation never touches them. A run
 * then picks fold i for evaluation and trains on the other folds.
 */
export async function assignDatasetFolds(
  datasetId: string,
  options: { k: number; seed: number },
  client: PrismaClient = getPrisma(),
): Promise<TFoldAssignment> {
  return client.$transaction(
    async (tx) => {
      const dataset = await tx.dataset.findUnique({ where: { id: datasetId }, select: { task: true } });
      if (!dataset) throw new Error(`Dataset ${datasetId} does not exist`);
      // Ordered by file position so the same rows + seed give the same folds on every call.
      const rows = await tx.datasetRow.findMany({
        where: { datasetId, split: { not: 'test' } },
        orderBy: { index: 'asc' },
        select: { id: true, label: true },
      });
      if (rows.length < options.k) {
        throw new RangeError(
          `Dataset ${datasetId} has ${rows.length} train/eval rows, fewer than k = ${options.k} folds`,
        );
      }
      const folds = assignFolds(rows, { task: dataset.task, k: options.k, seed: options.seed });
      await tx.datasetRow.updateMany({ where: { datasetId, split: 'test' }, data: { fold: null } });
      await tx.$executeRawUnsafe(
        `UPDATE "DatasetRow" AS r SET "fold" = u.fold
         FROM unnest($1::text[], $2::int[]) AS u(id, fold) WHERE r."id" = u.id`,
        rows.map((row) => row.id),
        folds,
      );
      const sizes = Array.from({ length: options.k }, () => 0);
      for (const fold of folds) sizes[fold] = (sizes[fold] ?? 0) + 1;
      const assignment: TFoldAssignment = { k: options.k, seed: options.seed, sizes };
      await tx.dataset.update({ where: { id: datasetId }, data: { folds: assignment } });
      return assignment;
    },
    { timeout: 5 * 60_000, maxWait: 30_000 },
  );
}

/** Removes the folds again (every row back to no fold). */
export async function clearDatasetFolds(
  datasetId: string,
  client: PrismaClient = getPrisma(),
): Promise<void> {
  await client.$transaction([
    client.datasetRow.updateMany({ where: { datasetId }, data: { fold: null } }),
    client.dataset.update({ where: { id: datasetId }, data: { folds: Prisma.DbNull } }),
  ]);
}
