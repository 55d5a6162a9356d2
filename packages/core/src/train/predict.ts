import * as tf from '@tensorflow/tfjs-core';
import { batchTensors, classify } from '../bert/encoder.ts';
import type { BertModel } from '../bert/model.ts';
import { chunks, padBatch, type TextEncoder } from './batches.ts';
import type { Prediction } from './types.ts';

export interface PredictOptions {
  maxLength?: number;
  batchSize?: number;
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
  if (model.head !== 'regression' && model.head !== 'classification') {
    throw new Error(`predict needs a regression or classification head, the model has "${model.head}"`);
  }
  const maxLength = opts.maxLength ?? 128;
  const encodings = texts.map((t) => tokenizer.encode(t, maxLength));
  const order = encodings
    .map((_, i) => i)
    .sort((a, b) => (encodings[a]?.ids.length ?? 0) - (encodings[b]?.ids.length ?? 0));
  const out = new Array<Prediction>(texts.length);
  for (const idx of chunks(order, opts.batchSize ?? 32)) {
    const p = padBatch(
      idx.map((i) => encodings[i] as (typeof encodings)[number]),
      tokenizer.padId,
    );
    const logits = tf.tidy(() => classify(model, batchTensors(p.ids, p.mask, p.types)).arraySync());
    idx.forEach((i, row) => {
      const l = logits[row] as number[];
      out[i] = { logits: l, prediction: model.head === 'regression' ? (l[0] as number) : argmax(l) };
    });
  }
  return out;
}

function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if ((xs[i] as number) > (xs[best] as number)) best = i;
  return best;
}
