// Multi-item scales (one regression output per item over one shared encoder): how a row's labels
// are read in either data shape, and each item's name and label range.
import { InputError } from '../errors/index.ts';
import type { TItemSpec } from './types.ts';

/** The per-item labels of a row: `labels` (wide shape), or its one item's label (long shape). */
export interface ItemRow {
  label: number;
  labels?: readonly (number | null)[];
  item?: number;
}

/**
 * Each item's label of a row in item order, null where the row has none: a wide row's `labels`,
 * or, for a long row (`item` set), its label at its item and null elsewhere.
 */
export function itemLabelsOf(row: ItemRow, items: number, where = 'row'): (number | null)[] {
  if (row.labels) {
    if (row.labels.length !== items)
      throw new InputError(`${where}: has ${row.labels.length} item labels, the scale has ${items} items`);
    return [...row.labels];
  }
  if (row.item === undefined)
    throw new InputError(`${where}: a multi-item row needs per-item labels or an item`);
  if (!Number.isInteger(row.item) || row.item < 0 || row.item >= items)
    throw new InputError(`${where}: item ${row.item} is not one of the scale's ${items} items`);
  return Array.from({ length: items }, (_, j) => (j === row.item ? row.label : null));
}

/** Each item's label range: its own, else the range of its labels in the given rows (null when it has none). */
export function itemRanges(
  items: readonly TItemSpec[],
  rows: readonly (readonly (number | null)[])[],
): ([number, number] | null)[] {
  return items.map((item, j) => {
    if (item.labelRange) return [item.labelRange[0], item.labelRange[1]];
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const r of rows) {
      const v = r[j];
      if (v == null) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return lo <= hi ? [lo, hi] : null;
  });
}
