import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { readDataset, ZDatasetSpec } from '../datasets/index.ts';
import type { TTask } from '../datasets/schemas.ts';
import type { TItemSpec, TrainExample } from './types.ts';

export interface LabelledFile {
  examples: TrainExample[];
  /** Classification: class names in label order (label i ↔ classes[i]); null for regression. */
  classes: string[] | null;
  /** With `groupColumn`: each example's document (null where the cell is empty). */
  groups?: (string | null)[];
  /** Multi-item scales: the items (names and ranges, in output order); null for one label. */
  items: TItemSpec[] | null;
  /** With `sourceColumn`: each example's source (real or synthetic). */
  sources?: ('real' | 'synthetic')[];
}

/**
 * Reads a CSV, TSV or JSONL file of labelled texts with the datasets module's validation (errors
 * name the file, row and column). Classification labels become indices into `classes` (given, or
 * inferred from the file).
 */
export async function readLabelledFile(
  path: string,
  opts: {
    textColumn: string;
    /** One column, or several separated by commas (a wide multi-item scale). */
    labelColumn: string;
    task: TTask;
    classes?: string[];
    /** Long multi-item scale: the column naming each row's item. */
    itemColumn?: string;
    /** Multi-item: item names in output order (long: default the item column's values, sorted). */
    items?: string[];
    /** Cross-validation groups: rows with the same value (one document) stay in one fold. */
    groupColumn?: string;
    /** Column saying whether a row is real or synthetic. */
    sourceColumn?: string;
  },
): Promise<LabelledFile> {
  const labelColumns = opts.labelColumn.split(',').map((c) => c.trim());
  const spec = ZDatasetSpec.parse({
    name: basename(path),
    task: opts.task,
    textColumn: opts.textColumn,
    labelColumn: labelColumns[0],
    labelColumns: labelColumns.length > 1 ? labelColumns : undefined,
    itemColumn: opts.itemColumn,
    items: opts.items,
    classes: opts.classes,
    groupColumn: opts.groupColumn,
    sourceColumn: opts.sourceColumn,
  });
  const data = await readDataset([await readFile(path)], path, spec);
  return {
    examples: data.rows.map((r) => ({
      text: r.text,
      label: r.label,
      ...(r.labels ? { labels: r.labels } : {}),
      ...(r.item !== undefined ? { item: r.item } : {}),
    })),
    classes: data.classes,
    items:
      data.items?.map((i) => ({
        name: i.name,
        ...(i.labelMin !== null && i.labelMax !== null
          ? { labelRange: [i.labelMin, i.labelMax] as [number, number] }
          : {}),
      })) ?? null,
    ...(opts.groupColumn ? { groups: data.rows.map((r) => r.group ?? null) } : {}),
    ...(opts.sourceColumn ? { sources: data.rows.map((r) => r.source) } : {}),
  };
}

/** Reads a JSONL file of objects; errors name the file and line. */
export async function readJsonl(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8');
  const out: Record<string, unknown>[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new Error(`${path}:${i + 1}: invalid JSON (${(error as Error).message})`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`${path}:${i + 1}: expected a JSON object`);
    }
    out.push(value as Record<string, unknown>);
  });
  return out;
}

/** The "text" field of a JSONL row, or an error naming the line. */
export function textOf(row: Record<string, unknown>, path: string, index: number): string {
  const t = row.text;
  if (typeof t !== 'string') throw new Error(`${path}: row ${index + 1} has no string "text" field`);
  return t;
}
