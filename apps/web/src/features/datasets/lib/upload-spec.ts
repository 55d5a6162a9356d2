import type { TDatasetShape, TDatasetSpecInput } from '@tunelab/core/datasets';

/** The upload form's fields as typed (strings), before they become a dataset spec. */
export interface TUploadForm {
  name: string;
  task: 'regression' | 'classification';
  /** One label, several label columns (wide), or an item column + a score column (long). */
  shape: TDatasetShape;
  textColumn: string;
  /** Single and long: the label (score) column. */
  labelColumn: string;
  /** Wide: the label column of each item, in item order. */
  labelColumns: string[];
  /** Long: the column naming each row's item. */
  itemColumn: string;
  /** Multi-item: an optional range per item name (both ends or neither). */
  itemRanges: Record<string, { min: string; max: string }>;
  splitColumn: string;
  sourceColumn: string;
  groupColumn: string;
  origin: 'real' | 'synthetic';
  labelMin: string;
  labelMax: string;
  classes: string;
  tolerance: string;
}

export const EMPTY_UPLOAD_FORM: TUploadForm = {
  name: '',
  task: 'regression',
  shape: 'single',
  textColumn: '',
  labelColumn: '',
  labelColumns: [],
  itemColumn: '',
  itemRanges: {},
  splitColumn: '',
  sourceColumn: '',
  groupColumn: '',
  origin: 'real',
  labelMin: '',
  labelMax: '',
  classes: '',
  tolerance: '1',
};

const number = (value: string) => (value.trim() === '' ? undefined : Number(value));

/**
 * The items a per-item range can be given for: wide, the picked label columns; long, the item
 * names seen in the preview's item column (the file may hold more; they use the shared range).
 */
export function formItems(
  form: Pick<TUploadForm, 'shape' | 'labelColumns' | 'itemColumn'>,
  columns: readonly string[],
  preview: readonly string[][],
): string[] {
  if (form.shape === 'wide') return form.labelColumns;
  if (form.shape !== 'long' || !form.itemColumn) return [];
  const at = columns.indexOf(form.itemColumn);
  if (at < 0) return [];
  const names = new Set(preview.map((row) => row[at]?.trim() ?? '').filter(Boolean));
  return [...names].sort();
}

/** Why the form cannot be submitted yet, or null when it can. */
export function uploadFormProblem(form: TUploadForm): string | null {
  if (!form.name.trim()) return 'give the dataset a name';
  if (!form.textColumn) return 'pick the text column';
  if (form.shape === 'wide') {
    if (form.labelColumns.length < 2) return 'pick at least two label columns (one per item)';
  } else if (!form.labelColumn) {
    return form.shape === 'long' ? 'pick the score column' : 'pick the label column';
  }
  if (form.shape === 'long' && !form.itemColumn) return 'pick the item column';
  if (form.shape !== 'single' && form.task !== 'regression') return 'multi-item scales are regression';
  for (const [item, range] of Object.entries(form.itemRanges)) {
    if ((range.min.trim() === '') !== (range.max.trim() === ''))
      return `item "${item}": give both min and max, or neither`;
  }
  return null;
}

/** The spec the form submits to POST /api/datasets (validated there by ZDatasetSpec). */
export function buildUploadSpec(form: TUploadForm): TDatasetSpecInput {
  const multi = form.shape !== 'single' && form.task === 'regression';
  const itemNames = form.shape === 'wide' ? new Set(form.labelColumns) : null;
  const ranges: Record<string, [number, number]> = {};
  if (multi) {
    for (const [item, range] of Object.entries(form.itemRanges)) {
      const min = number(range.min);
      const max = number(range.max);
      // ranges of columns no longer picked are left out
      if (min === undefined || max === undefined || (itemNames && !itemNames.has(item))) continue;
      ranges[item] = [min, max];
    }
  }
  const wide = multi && form.shape === 'wide';
  return {
    name: form.name,
    task: form.task,
    textColumn: form.textColumn,
    // wide: the first item's column (the spec's single-label field stays filled)
    labelColumn: wide ? (form.labelColumns[0] ?? '') : form.labelColumn,
    ...(wide ? { labelColumns: form.labelColumns } : {}),
    ...(multi && form.shape === 'long' ? { itemColumn: form.itemColumn } : {}),
    ...(Object.keys(ranges).length > 0 ? { itemRanges: ranges } : {}),
    splitColumn: form.splitColumn || undefined,
    sourceColumn: form.sourceColumn || undefined,
    groupColumn: form.groupColumn || undefined,
    // Without a source column every row gets this source.
    origin: form.sourceColumn ? undefined : form.origin,
    tolerance: number(form.tolerance) ?? 1,
    ...(form.task === 'regression'
      ? { labelMin: number(form.labelMin), labelMax: number(form.labelMax) }
      : {
          classes: form.classes.trim()
            ? form.classes
                .split(',')
                .map((name) => name.trim())
                .filter(Boolean)
            : undefined,
        }),
  };
}
