// The dataset page's scarcity view: rows per (item, label) and source — the dataset's own rows
// plus the texts accepted in its review queue (with their item) — and the floor plan from it.
import { floorPlan, labelHistogram, type THistogramRow, type TPlanEntry } from '@tunelab/core/synth';
import { getPrisma } from '@tunelab/db';

export async function datasetHistogram(datasetId: string): Promise<THistogramRow[]> {
  const prisma = getPrisma();
  const [rows, accepted] = await Promise.all([
    prisma.datasetRow.groupBy({ by: ['label', 'source'], where: { datasetId }, _count: { _all: true } }),
    prisma.synthText.findMany({
      where: { datasetId, status: 'accepted' },
      select: { item: true, target: true },
    }),
  ]);
  const flat: { item: string | null; label: number; source: string }[] = [];
  for (const r of rows)
    for (let i = 0; i < r._count._all; i++) flat.push({ item: null, label: r.label, source: r.source });
  for (const t of accepted) flat.push({ item: t.item, label: t.target, source: 'synthetic' });
  return labelHistogram(flat);
}

export function planForFloor(
  histogram: readonly THistogramRow[],
  floor: number,
  dataset: { labelMin: number | null; labelMax: number | null },
): TPlanEntry[] {
  const range =
    dataset.labelMin !== null && dataset.labelMax !== null
      ? { min: dataset.labelMin, max: dataset.labelMax }
      : null;
  return floorPlan(histogram, floor, range);
}
