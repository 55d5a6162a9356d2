import * as tf from '@tensorflow/tfjs-core';
import { batchTensors, classify } from '../bert/encoder.ts';
import type { BertModel } from '../bert/model.ts';
import type { Encoding } from '../tokenizer/wordpiece.ts';
import { chunks, padBatch, type TextEncoder } from './batches.ts';
import { encodeDocuments, poolLogits } from './long-text.ts';
import type { Prediction, TLongTextInput } from './types.ts';

export interface PredictOptions {
  maxLength?: number;
  batchSize?: number;
  /** Texts longer than maxLength: truncate (default), head-tail, or windows pooled per text. */
  longText?: TLongTextInput;
}

/**
 * Logits and predictions for texts (no dropout): regression → logits[0]; classification → argmax.
 * Texts are batched in length order so little padding is computed; results come back in input order.
 */
export function predict(
  model: BertModel,
  tokenizer: TextEncoder,
  texts: readonly string[],
  opts: PredictOptions = {},
): Prediction[] {
  assertSequenceHead(model);
  const maxLength = opts.maxLength ?? 128;
  const pieces = encodeDocuments(tokenizer, texts, maxLength, opts.longText);
  const logits = logitsOf(model, pieces.encodings, tokenizer.padId, opts.batchSize ?? 32);
  return toPredictions(model, documentLogits(model, logits, pieces.owner, texts.length, opts.longText));
}

/** Piece logits → one row per document (pooled over windows; pieces are documents otherwise). */
export function documentLogits(
  model: BertModel,
  logits: readonly number[][],
  owner: readonly number[],
  documents: number,
  longText: TLongTextInput | undefined,
): number[][] {
  if (logits.length === documents) return [...logits];
  const task = model.head === 'classification' ? 'classification' : 'regression';
  return poolLogits(logits, owner, documents, task, longText?.pool);
}

export function assertSequenceHead(model: BertModel): void {
  if (model.head !== 'regression' && model.head !== 'classification') {
    throw new Error(`predict needs a regression or classification head, the model has "${model.head}"`);
  }
}

/**
 * Predictions from logits: regression → logits[0] (multi-item: `values` holds every item's and
 * `prediction` the first's); classification → argmax.
 */
export function toPredictions(model: BertModel, logits: readonly number[][]): Prediction[] {
  return logits.map((l) =>
    model.head === 'regression' && model.numLabels > 1
      ? { logits: l, prediction: l[0] as number, values: [...l] }
      : { logits: l, prediction: model.head === 'regression' ? (l[0] as number) : argmax(l) },
  );
}

/** Logits for encoded rows, computed in length-sorted batches of `batchSize`; returned in input order. */
export function logitsOf(
  model: BertModel,
  encodings: readonly Encoding[],
  padId: number,
  batchSize: number,
): number[][] {
  const order = encodings
    .map((_, i) => i)
    .sort((a, b) => (encodings[a]?.ids.length ?? 0) - (encodings[b]?.ids.length ?? 0));
  const out = new Array<number[]>(encodings.length);
  for (const idx of chunks(order, batchSize)) {
    const p = padBatch(
      idx.map((i) => encodings[i] as Encoding),
      padId,
    );
    const logits = tf.tidy(() => classify(model, batchTensors(p.ids, p.mask, p.types)).arraySync());
    idx.forEach((i, row) => {
      out[i] = logits[row] as number[];
    });
  }
  return out;
}

function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if ((xs[i] as number) > (xs[best] as number)) best = i;
  return best;
}
