import type { Encoding } from '../tokenizer/wordpiece.ts';

/** The part of the WordPiece tokenizer training needs. */
export interface TextEncoder {
  encode(text: string, maxLength?: number): Encoding;
  readonly padId: number;
}

export interface PaddedBatch {
  ids: number[][];
  mask: number[][];
  types: number[][];
}

/** Pads the given encodings to the longest of them with the pad id (mask 0). */
export function padBatch(encodings: readonly Encoding[], padId: number): PaddedBatch {
  const L = Math.max(...encodings.map((e) => e.ids.length));
  const pad = (row: readonly number[], value: number) => [
    ...row,
    ...Array<number>(L - row.length).fill(value),
  ];
  return {
    ids: encodings.map((e) => pad(e.ids, padId)),
    mask: encodings.map((e) => pad(e.attentionMask, 0)),
    types: encodings.map((e) => pad(e.tokenTypeIds, 0)),
  };
}

/** Indices 0..n-1 cut into consecutive batches of `size` (the last may be smaller). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
