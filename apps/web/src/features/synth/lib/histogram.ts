// The dataset page's scarcity view: rows per (item, label) and source — the dataset's own rows
// plus the texts accepted in its review queue (with their item) — and the floor plan from it.
// Multi-item scales count each item apart: a long row counts for its item, a wide row for every
// item it labels (an empty cell is no label for that item).
import { floorPlan, labelHistogram, type THistogramRow, type TPlanEntry } from '@tunelab/core/synth';
import { datasetItems, getPrisma } from '@tunelab/db';

export async function datasetHistogram(datasetId: string): Promise<THistogramRow[]> {
  const prisma = getPrisma();
  const dataset = await prisma.dataset.findUnique({
    where: { id: datasetId },
    select: { items: true, shape: true },
  });
  const items = dataset ? datasetItems(dataset) : null;
  const flat: { item: string | null; label: number; source: string }[] = [];
  if (items && dataset?.shape === 'wide') {
    const rows = await prisma.datasetRow.findMany({
      where: { datasetId },
      select: { labels: true, source: true },
    });
    for (const r of rows) {
      const labels = Array.isArray(r.labels) ? (r.labels as (number | null)[]) : [];
      labels.forEach((label, i) => {
        const name = items[i]?.name;
        if (typeof label === 'number' && name !== undefined)
          flat.push({ item: name, label, source: r.source });
      });
    }
  } else {
    const rows = await prisma.datasetRow.groupBy({
      by: ['item', 'label', 'source'],
      where: { datasetId },
      _count: { _all: true },
    });
    for (const r of rows) {
      const item = items && r.item !== null ? (items[r.item]?.name ?? null) : null;
      for (let i = 0; i < r._count._all; i++) flat.push({ item, label: r.label, source: r.source });
    }
  }
  const accepted = await prisma.synthText.findMany({
    where: { datasetId, status: 'accepted' },
    select: { item: true, target: true },
  });
  for (const t of accepted) flat.push({ item: t.item, label: t.target, source: 'synthetic' });
  return labelHistogram(flat);
}

export function planForFloor(
  histogram: readonly THistogramRow[],
  floor: number,
  dataset: { labelMin: number | null; labelMax: number | null; items?: unknown },
): TPlanEntry[] {
  const range =
    dataset.labelMin !== null && dataset.labelMax !== null
      ? { min: dataset.labelMin, max: dataset.labelMax }
      : null;
  // multi-item scales: every item, each with its own range
  const items = datasetItems(dataset)?.map((i) => ({
    name: i.name,
    range: i.labelMin !== null && i.labelMax !== null ? { min: i.labelMin, max: i.labelMax } : null,
  }));
  return floorPlan(histogram, floor, range, items);
}
