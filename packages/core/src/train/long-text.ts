// Long texts: truncation, head+tail, or overlapping windows whose predictions are pooled into one
// per document. Training, evaluation during training, scoring and predict all encode documents here.
import { InputError } from '../errors/index.ts';
import type { Encoding } from '../tokenizer/wordpiece.ts';
import type { TextEncoder } from './batches.ts';
import { type TLongText, type TLongTextInput, ZLongText } from './types.ts';

/** Encoded documents: every piece (one per document, or one per window) and the document it belongs to. */
export interface DocumentPieces {
  encodings: Encoding[];
  /** owner[i] = index of the document piece i came from. */
  owner: number[];
}

/** The resolved window settings of a long-text option (window ≤ maxLength, stride in tokens). */
export function resolveLongText(
  input: TLongTextInput | TLongText | undefined,
  maxLength: number,
): TLongText & { window: number; stride: number } {
  const o = ZLongText.parse(input ?? {});
  const window = o.window ?? maxLength;
  if (o.mode === 'windows' && window > maxLength) {
    throw new InputError(`window ${window} is longer than the max length ${maxLength}`);
  }
  const stride = o.stride ?? Math.max(1, Math.floor((window - 2) / 2));
  if (o.mode === 'windows' && stride > window - 2) {
    throw new InputError(`stride ${stride} must be at most window − 2 = ${window - 2}`);
  }
  return { ...o, window, stride };
}

function slice(e: Encoding, from: number, to: number): Pick<Encoding, 'ids' | 'tokens'> {
  return { ids: e.ids.slice(from, to), tokens: e.tokens.slice(from, to) };
}

function wrap(full: Encoding, parts: Pick<Encoding, 'ids' | 'tokens'>[]): Encoding {
  const ids = [full.ids[0] as number, ...parts.flatMap((p) => p.ids), full.ids.at(-1) as number];
  const tokens = [full.tokens[0] as string, ...parts.flatMap((p) => p.tokens), full.tokens.at(-1) as string];
  return { ids, tokens, attentionMask: ids.map(() => 1), tokenTypeIds: ids.map(() => 0) };
}

/** Start offsets (into the text tokens) of windows of `k` tokens every `stride`, the last one ending at the text's end. */
export function windowStarts(length: number, k: number, stride: number): number[] {
  if (length <= k) return [0];
  const starts: number[] = [];
  for (let s = 0; s + k < length; s += stride) starts.push(s);
  starts.push(length - k);
  return starts;
}

/**
 * Encodes one document as the long-text option says: one piece (truncate; head-tail: the first
 * ⌊room/4⌋ and the last ⌈3·room/4⌉ text tokens) or one piece per window.
 */
export function encodeDocument(
  tokenizer: TextEncoder,
  text: string,
  maxLength: number,
  longText: ReturnType<typeof resolveLongText>,
): Encoding[] {
  if (longText.mode === 'truncate') return [tokenizer.encode(text, maxLength)];
  const full = tokenizer.encode(text, Number.MAX_SAFE_INTEGER);
  const n = full.ids.length - 2;
  if (longText.mode === 'head-tail') {
    const room = maxLength - 2;
    if (n <= room) return [full];
    const head = Math.floor(room / 4);
    return [wrap(full, [slice(full, 1, 1 + head), slice(full, 1 + n - (room - head), 1 + n)])];
  }
  const k = longText.window - 2;
  return windowStarts(n, k, longText.stride).map((s) =>
    wrap(full, [slice(full, 1 + s, 1 + Math.min(n, s + k))]),
  );
}

/** Encodes documents into pieces (see `encodeDocument`), remembering which document each piece came from. */
export function encodeDocuments(
  tokenizer: TextEncoder,
  texts: readonly string[],
  maxLength: number,
  longText?: TLongTextInput | TLongText,
): DocumentPieces {
  const lt = resolveLongText(longText, maxLength);
  const encodings: Encoding[] = [];
  const owner: number[] = [];
  texts.forEach((t, d) => {
    for (const e of encodeDocument(tokenizer, t, maxLength, lt)) {
      encodings.push(e);
      owner.push(d);
    }
  });
  return { encodings, owner };
}

/**
 * One row of logits per document from the logits of its pieces. A document of one piece keeps its
 * logits. Regression: the mean (per output) of the windows' values. Classification: the log of the
 * mean (or max) over windows of each class's softmax probability, so argmax picks the pooled class.
 */
export function poolLogits(
  logits: readonly number[][],
  owner: readonly number[],
  documents: number,
  task: 'regression' | 'classification',
  pool: 'mean' | 'max' = 'mean',
): number[][] {
  if (pool === 'max' && task === 'regression') {
    throw new InputError('pooling "max" is for classification; regression windows pool by their mean');
  }
  const groups: number[][][] = Array.from({ length: documents }, () => []);
  logits.forEach((l, i) => {
    groups[owner[i] as number]?.push(task === 'regression' ? [...l] : softmax(l));
  });
  return groups.map((g) => {
    if (g.length === 0) throw new Error('a document has no pieces');
    if (g.length === 1 && task === 'regression') return g[0] as number[];
    const width = (g[0] as number[]).length;
    const out = new Array<number>(width).fill(pool === 'max' ? Number.NEGATIVE_INFINITY : 0);
    for (const row of g) {
      for (let j = 0; j < width; j++) {
        const v = row[j] as number;
        out[j] = pool === 'max' ? Math.max(out[j] as number, v) : (out[j] as number) + v / g.length;
      }
    }
    return task === 'regression' ? out : out.map((p) => Math.log(p));
  });
}

function softmax(l: readonly number[]): number[] {
  const m = Math.max(...l);
  const e = l.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}
