import {
  type TDatasetItem,
  type TRowSource,
  type TSplit,
  type TTask,
  ZDatasetItem,
} from '@tunelab/core/datasets';
import type { TLabelSpace } from '@tunelab/core/metrics';
import { getPrisma, type PrismaClient } from './client.ts';

/** A dataset row as training and scoring read it. */
export interface TLoadedRow {
  /** The DatasetRow's id and, for a composed copy, the row it came from (rowOrigins()). */
  id: string;
  originRowId: string | null;
  index: number;
  text: string;
  label: number;
  split: TSplit;
  source: TRowSource;
  fold: number | null;
  /** The document the row is a segment of (the dataset's group column); null without one. */
  group: string | null;
  /** Wide multi-item rows: each item's label, null where unlabelled. */
  labels?: (number | null)[];
  /** Long multi-item rows: the index of the row's item. */
  item?: number;
}

/**
 * The one row loader for runs: a dataset's rows in file order, optionally only some splits and/or
 * one cross-validation fold. Training, evaluate runs and merge scoring all read rows through it.
 */
export async function loadDatasetRows(
  datasetId: string,
  where: { splits?: readonly TSplit[]; fold?: number } = {},
  client: PrismaClient = getPrisma(),
): Promise<TLoadedRow[]> {
  const rows = await client.datasetRow.findMany({
    where: {
      datasetId,
      ...(where.splits ? { split: { in: [...where.splits] } } : {}),
      ...(where.fold !== undefined ? { fold: where.fold } : {}),
    },
    select: {
      id: true,
      originRowId: true,
      index: true,
      text: true,
      label: true,
      split: true,
      source: true,
      fold: true,
      labels: true,
      item: true,
      group: true,
    },
    orderBy: { index: 'asc' },
  });
  // Multi-item fields only where the row has them, so single-label rows read as before.
  return rows.map(({ labels, item, ...row }) => ({
    ...row,
    ...(Array.isArray(labels) ? { labels: labels as (number | null)[] } : {}),
    ...(item !== null ? { item } : {}),
  }));
}

/** A multi-item dataset's items (Dataset.items), or null for a single-label dataset. */
export function datasetItems(dataset: { items?: unknown }): TDatasetItem[] | null {
  const parsed = ZDatasetItem.array().min(2).safeParse(dataset.items);
  return parsed.success ? parsed.data : null;
}

/**
 * A multi-item dataset's items as training and scoring take them (name, and the item's own label
 * range where it has one), in output order; null for a single-label dataset.
 */
export function datasetItemSpecs(dataset: {
  items?: unknown;
}): { name: string; labelRange?: [number, number] }[] | null {
  return (
    datasetItems(dataset)?.map((i) => ({
      name: i.name,
      ...(i.labelMin !== null && i.labelMax !== null
        ? { labelRange: [i.labelMin, i.labelMax] as [number, number] }
        : {}),
    })) ?? null
  );
}

/** The dataset fields the label space is read from. */
export interface TDatasetLabelFacts {
  id: string;
  name: string;
  task: TTask;
  labelMin: number | null;
  labelMax: number | null;
  classes: unknown;
  tolerance: number;
}

/**
 * The label space a dataset is scored in. Regression: its stored range, else the range of all its
 * rows (one aggregate query, whichever split is scored); tolerance k from the dataset.
 * Classification: its classes.
 */
export async function datasetLabelSpace(
  dataset: TDatasetLabelFacts,
  client: PrismaClient = getPrisma(),
): Promise<TLabelSpace> {
  if (dataset.task === 'classification') {
    if (Array.isArray(dataset.classes) && dataset.classes.length > 0) {
      return { task: 'classification', numClasses: dataset.classes.length };
    }
    const agg = await client.datasetRow.aggregate({
      where: { datasetId: dataset.id },
      _max: { label: true },
    });
    if (agg._max.label === null) throw new Error(`Dataset "${dataset.name}" has no rows`);
    return { task: 'classification', numClasses: agg._max.label + 1 };
  }
  if (dataset.labelMin !== null && dataset.labelMax !== null) {
    return {
      task: 'regression',
      labelRange: [dataset.labelMin, dataset.labelMax],
      tolerance: dataset.tolerance,
    };
  }
  const agg = await client.datasetRow.aggregate({
    where: { datasetId: dataset.id },
    _min: { label: true },
    _max: { label: true },
  });
  if (agg._min.label === null || agg._max.label === null)
    throw new Error(`Dataset "${dataset.name}" has no rows`);
  return { task: 'regression', labelRange: [agg._min.label, agg._max.label], tolerance: dataset.tolerance };
}
