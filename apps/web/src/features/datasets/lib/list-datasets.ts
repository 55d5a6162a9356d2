import { getPrisma } from '@tunelab/db';

/** Datasets newest first, without rows or stats: what the list page and GET /api/datasets show. */
export function listDatasets(take: number) {
  return getPrisma().dataset.findMany({
    where: { archivedAt: null },
    orderBy: { createdAt: 'desc' },
    take,
    select: {
      id: true,
      name: true,
      task: true,
      rowCount: true,
      status: true,
      origin: true,
      labelMin: true,
      labelMax: true,
      classes: true,
      createdAt: true,
    },
  });
}
