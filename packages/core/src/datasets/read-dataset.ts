import { characterProblem } from '../text/index.ts';
import { decodeUtf8 } from './decode.ts';
import { DatasetError, IssueList } from './errors.ts';
import { formatFromFileName, parseRecords } from './parse.ts';
import {
  shapeOfSpec,
  type TDatasetFormat,
  type TDatasetItem,
  type TDatasetRowInput,
  type TDatasetShape,
  type TDatasetSpec,
  type TRowSource,
  type TSplit,
} from './schemas.ts';
import { assignSplits } from './split.ts';

export interface TInspection {
  format: TDatasetFormat;
  columns: string[];
  /** First rows, values aligned with `columns`. */
  preview: string[][];
  /** True when the file has more rows than the preview. */
  truncated: boolean;
}

export interface TReadDataset {
  format: TDatasetFormat;
  columns: string[];
  rows: TDatasetRowInput[];
  /** Classification: class names in label order. */
  classes: string[] | null;
  labelMin: number | null;
  labelMax: number | null;
  /** Whether splits came from the file (else assigned by the seeded stratified split). */
  splitFromFile: boolean;
  /** How the labels are held: one label, wide (a column per item) or long (item + label rows). */
  shape: TDatasetShape;
  /** Multi-item: each item's name and label range (given, or the range of its labels); null otherwise. */
  items: TDatasetItem[] | null;
}

type TByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

export function resolveFormat(fileName: string, format?: TDatasetFormat): TDatasetFormat {
  const resolved = format ?? formatFromFileName(fileName);
  if (!resolved) {
    throw new DatasetError(
      'unsupported_format',
      `${fileName}: unknown file type; use a .csv, .tsv or .jsonl file (or choose the format)`,
    );
  }
  return resolved;
}

/** Reads the header and first rows so the user can pick columns; stops early on big files. */
export async function inspectDataset(
  bytes: TByteSource,
  fileName: string,
  options: { format?: TDatasetFormat; previewRows?: number } = {},
): Promise<TInspection> {
  const format = resolveFormat(fileName, options.format);
  const limit = options.previewRows ?? 20;
  const preview: string[][] = [];
  let truncated = false;
  const { columns } = await parseRecords(
    decodeUtf8(bytes, fileName),
    {
      onRecord(values) {
        if (preview.length >= limit) {
          truncated = true;
          return false;
        }
        preview.push(values.map((value) => previewCell(value ?? '')));
        return true;
      },
    },
    { format, fileName },
  );
  return { format, columns, preview, truncated };
}

const SPLIT_ALIASES: Record<string, TSplit> = {
  train: 'train',
  training: 'train',
  eval: 'eval',
  valid: 'eval',
  validation: 'eval',
  val: 'eval',
  dev: 'eval',
  test: 'test',
};

/**
 * Reads and validates a whole file against the user's column choices. Either every row is valid
 * and returned, or a DatasetError names the first bad rows (nothing is partially accepted).
 */
export async function readDataset(
  bytes: TByteSource,
  fileName: string,
  spec: TDatasetSpec,
  options: { format?: TDatasetFormat } = {},
): Promise<TReadDataset> {
  const format = resolveFormat(fileName, options.format);
  let positions:
    | {
        text: number;
        label: number;
        split?: number;
        source?: number;
        group?: number;
        item?: number;
        labels?: number[];
      }
    | undefined;
  const shape = shapeOfSpec(spec);
  const itemTexts: string[] = [];
  const rows: TDatasetRowInput[] = [];
  const labelTexts: string[] = [];
  const issues = {
    text: new IssueList(),
    label: new IssueList(),
    range: new IssueList(),
    split: new IssueList(),
    source: new IssueList(),
    characters: new IssueList(),
  };
  const classIndex = spec.classes ? new Map(spec.classes.map((name, i) => [name, i])) : undefined;
  const hasRange = spec.labelMin !== undefined && spec.labelMax !== undefined;

  const { columns } = await parseRecords(
    decodeUtf8(bytes, fileName),
    {
      onHeader(header) {
        const find = (column: string | undefined) =>
          column === undefined ? undefined : header.indexOf(column);
        const missing = [
          spec.textColumn,
          ...(spec.labelColumns ?? [spec.labelColumn]),
          spec.splitColumn,
          spec.sourceColumn,
          spec.groupColumn,
          spec.itemColumn,
        ].filter((column): column is string => column !== undefined && !header.includes(column));
        if (missing.length > 0) {
          throw new DatasetError(
            'missing_column',
            `${fileName} has no column ${missing.map((c) => `"${c}"`).join(', ')} (columns: ${header
              .map((c) => `"${c}"`)
              .join(', ')})${delimiterHint(header, format)}`,
          );
        }
        positions = {
          text: find(spec.textColumn) ?? -1,
          label: find(spec.labelColumn) ?? -1,
          split: find(spec.splitColumn),
          source: find(spec.sourceColumn),
          group: find(spec.groupColumn),
          item: find(spec.itemColumn),
          labels: spec.labelColumns?.map((c) => header.indexOf(c)),
        };
      },
      onRecord(values, row) {
        if (!positions) throw new Error('parseRecords called onRecord before onHeader');
        const text = values[positions.text];
        if (text === undefined || text.trim() === '') {
          issues.text.add({ row, column: spec.textColumn, message: 'text is empty' });
        }
        const rawLabel = (values[positions.label] ?? '').trim();
        for (const [column, value] of [
          [spec.textColumn, text],
          [spec.labelColumn, rawLabel],
        ] as const) {
          const problem = value === undefined ? undefined : characterProblem(value);
          if (problem) issues.characters.add({ row, column, message: problem });
        }
        let label = Number.NaN;
        let itemLabels: (number | null)[] | undefined;
        if (positions.labels && spec.labelColumns) {
          // Wide: a label per item column; an empty cell masks that item for this row.
          itemLabels = positions.labels.map((at, j) => {
            const column = spec.labelColumns?.[j] as string;
            const raw = (values[at] ?? '').trim();
            if (raw === '') return null;
            const y = Number(raw);
            const range =
              spec.itemRanges?.[column] ??
              (hasRange ? [spec.labelMin as number, spec.labelMax as number] : null);
            if (!Number.isFinite(y))
              issues.label.add({ row, column, message: `"${clip(raw)}" is not a number` });
            else if (range && (y < range[0] || y > range[1]))
              issues.range.add({ row, column, message: `${y} is outside [${range[0]}, ${range[1]}]` });
            return y;
          });
          if (itemLabels.every((y) => y === null))
            issues.label.add({ row, column: spec.labelColumns.join(', '), message: 'no item has a label' });
          label = itemLabels.find((y) => y !== null) ?? 0;
        } else if (spec.task === 'regression') {
          label = rawLabel === '' ? Number.NaN : Number(rawLabel);
          if (!Number.isFinite(label)) {
            issues.label.add({
              row,
              column: spec.labelColumn,
              message: rawLabel === '' ? 'label is empty' : `"${clip(rawLabel)}" is not a number`,
            });
          } else if (hasRange && (label < (spec.labelMin as number) || label > (spec.labelMax as number))) {
            issues.range.add({
              row,
              column: spec.labelColumn,
              message: `${label} is outside [${spec.labelMin}, ${spec.labelMax}]`,
            });
          }
        } else if (rawLabel === '') {
          issues.label.add({ row, column: spec.labelColumn, message: 'label is empty' });
        } else if (classIndex && !classIndex.has(rawLabel)) {
          issues.label.add({
            row,
            column: spec.labelColumn,
            message: `"${clip(rawLabel)}" is not one of the classes (${spec.classes?.join(', ')})`,
          });
        }
        let split: TSplit = 'train';
        if (positions.split !== undefined) {
          const raw = (values[positions.split] ?? '').trim();
          const mapped = SPLIT_ALIASES[raw.toLowerCase()];
          if (mapped) split = mapped;
          else {
            issues.split.add({
              row,
              column: spec.splitColumn,
              message: `"${clip(raw)}" is not a split (train, eval/validation/dev, test)`,
            });
          }
        }
        let source: TRowSource = spec.origin;
        if (positions.source !== undefined) {
          const raw = (values[positions.source] ?? '').trim().toLowerCase();
          if (raw === 'real' || raw === 'synthetic') source = raw;
          else {
            issues.source.add({
              row,
              column: spec.sourceColumn,
              message: `"${clip(raw)}" is not real or synthetic`,
            });
          }
        }
        const group =
          positions.group === undefined ? undefined : (values[positions.group] ?? '').trim() || null;
        if (positions.item !== undefined) {
          const raw = (values[positions.item] ?? '').trim();
          if (raw === '') issues.label.add({ row, column: spec.itemColumn, message: 'item is empty' });
          else if (spec.items && !spec.items.includes(raw))
            issues.label.add({
              row,
              column: spec.itemColumn,
              message: `"${clip(raw)}" is not one of the items (${spec.items.join(', ')})`,
            });
          itemTexts.push(raw);
        }
        rows.push({
          index: row - 1,
          text: text ?? '',
          label,
          labelText: null,
          split,
          source,
          ...(group === undefined ? {} : { group }),
          ...(itemLabels ? { labels: itemLabels } : {}),
        });
        labelTexts.push(rawLabel);
        return true;
      },
    },
    { format, fileName },
  );

  throwIfAny(issues.characters, 'invalid_characters', `${fileName} holds characters a dataset cannot store`);
  // Long: item names (given, or the column's values sorted) and each row's item index; per-item ranges.
  let itemNames: string[] | null = spec.labelColumns ?? null;
  if (shape === 'long') {
    itemNames = spec.items ?? inferClasses(itemTexts.filter((t) => t !== ''));
    const index = new Map(itemNames.map((name, i) => [name, i]));
    rows.forEach((r, i) => {
      const name = itemTexts[i] as string;
      r.item = index.get(name) ?? -1;
      const range = spec.itemRanges?.[name];
      if (range && Number.isFinite(r.label) && (r.label < range[0] || r.label > range[1]))
        issues.range.add({
          row: r.index + 1,
          column: spec.labelColumn,
          message: `${r.label} is outside item "${name}"'s [${range[0]}, ${range[1]}]`,
        });
    });
  }

  throwIfAny(issues.text, 'invalid_text', `${fileName} has empty texts in column "${spec.textColumn}"`);
  throwIfAny(
    issues.label,
    'invalid_label',
    spec.task === 'regression'
      ? `${fileName} has non-numeric labels in column "${spec.labelColumn}" (regression needs numbers)`
      : `${fileName} has invalid labels in column "${spec.labelColumn}"`,
  );
  throwIfAny(issues.range, 'label_out_of_range', `${fileName} has labels out of range`);
  if (itemNames && itemNames.length < 2) {
    throw new DatasetError(
      'invalid_label',
      `${fileName}: column "${spec.itemColumn}" names only one item ("${itemNames[0] ?? ''}"); a multi-item scale needs at least two`,
    );
  }
  throwIfAny(issues.split, 'invalid_split', `${fileName} has invalid split values`);
  throwIfAny(issues.source, 'invalid_source', `${fileName} has invalid source values`);

  let classes: string[] | null = null;
  if (spec.task === 'classification') {
    classes = spec.classes ?? inferClasses(labelTexts);
    if (classes.length < 2) {
      throw new DatasetError(
        'invalid_label',
        `${fileName}: column "${spec.labelColumn}" has only one class ("${classes[0]}"); classification needs at least two`,
      );
    }
    const index = new Map(classes.map((name, i) => [name, i]));
    rows.forEach((row, i) => {
      const name = labelTexts[i] ?? '';
      row.label = index.get(name) ?? -1;
      row.labelText = name;
    });
  }

  const labels = rows.map((row) => row.label);
  const splitFromFile = spec.splitColumn !== undefined;
  if (!splitFromFile) assignSplits(rows, { task: spec.task, seed: spec.splitSeed });
  const items = itemNames ? datasetItems(itemNames, rows, spec) : null;
  // Wide: the whole scale's range spans every item's labels.
  if (items && shape === 'wide')
    labels.splice(
      0,
      labels.length,
      ...rows.flatMap((r) => (r.labels ?? []).filter((y): y is number => y !== null)),
    );
  return {
    format,
    columns,
    rows,
    classes,
    labelMin: spec.task === 'regression' ? (spec.labelMin ?? extreme(labels, Math.min)) : 0,
    labelMax:
      spec.task === 'regression' ? (spec.labelMax ?? extreme(labels, Math.max)) : (classes?.length ?? 1) - 1,
    splitFromFile,
    shape,
    items,
  };
}

/** Each item's range: `itemRanges`, else labelMin/labelMax, else the range of its labels. */
function datasetItems(
  names: readonly string[],
  rows: readonly TDatasetRowInput[],
  spec: TDatasetSpec,
): TDatasetItem[] {
  return names.map((name, j) => {
    const given = spec.itemRanges?.[name];
    if (given) return { name, labelMin: given[0], labelMax: given[1] };
    if (spec.labelMin !== undefined && spec.labelMax !== undefined)
      return { name, labelMin: spec.labelMin, labelMax: spec.labelMax };
    const ys = rows
      .map((r) => (r.labels ? r.labels[j] : r.item === j ? r.label : null))
      .filter((y): y is number => y != null);
    return ys.length === 0
      ? { name, labelMin: null, labelMax: null }
      : { name, labelMin: extreme(ys, Math.min), labelMax: extreme(ys, Math.max) };
  });
}

/** A one-column header holding ';' or tabs is usually a file in another format than its name says. */
function delimiterHint(header: readonly string[], format: TDatasetFormat): string {
  const only = header.length === 1 ? (header[0] ?? '') : '';
  if (format !== 'tsv' && only.includes('\t')) return '; the header contains tabs: is it a TSV file?';
  if (only.includes(';')) return '; the header contains ";": save the file with "," as the separator';
  return '';
}

/** Numeric-looking class names sort as numbers ("2" < "10"), others alphabetically. */
export function inferClasses(labelTexts: readonly string[]): string[] {
  const distinct = [...new Set(labelTexts)];
  const numeric = distinct.every((name) => name !== '' && Number.isFinite(Number(name)));
  return numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
}

function throwIfAny(
  list: IssueList,
  code: ConstructorParameters<typeof DatasetError>[0],
  summary: string,
): void {
  if (list.total > 0) throw new DatasetError(code, summary, list.items, list.total);
}

/** Math.min(...values) overflows the stack on large files; fold instead. */
function extreme(values: readonly number[], pick: (a: number, b: number) => number): number {
  let result = values[0] ?? 0;
  for (const value of values) result = pick(result, value);
  return result;
}

/** Longest preview cell: the inspect answer shows the start of a long text, never all of it. */
export const PREVIEW_CELL_CHARS = 500;

function previewCell(value: string): string {
  return value.length > PREVIEW_CELL_CHARS ? `${value.slice(0, PREVIEW_CELL_CHARS)}…` : value;
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 37)}...` : value;
}
