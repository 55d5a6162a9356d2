import * as tf from '@tensorflow/tfjs-core';
import { batchTensors, classify } from '../bert/encoder.ts';
import type { BertModel } from '../bert/model.ts';
import type { Encoding } from '../tokenizer/wordpiece.ts';
import { chunks, padBatch, type TextEncoder } from './batches.ts';
import { classificationScores, regressionScores } from './metrics.ts';
import type { Prediction, TrainExample } from './types.ts';

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
  assertSequenceHead(model);
  const maxLength = opts.maxLength ?? 128;
  const encodings = texts.map((t) => tokenizer.encode(t, maxLength));
  return toPredictions(model, logitsOf(model, encodings, tokenizer.padId, opts.batchSize ?? 32));
}

export function assertSequenceHead(model: BertModel): void {
  if (model.head !== 'regression' && model.head !== 'classification') {
    throw new Error(`predict needs a regression or classification head, the model has "${model.head}"`);
  }
}

/** Predictions from logits: regression → logits[0]; classification → argmax. */
export function toPredictions(model: BertModel, logits: readonly number[][]): Prediction[] {
  return logits.map((l) => ({
    logits: l,
    prediction: model.head === 'regression' ? (l[0] as number) : argmax(l),
  }));
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

export interface EvaluateOptions extends PredictOptions {
  tolerance?: number;
  labelRange?: readonly [number, number];
}

/** Metrics of the model on labelled examples (keys as in DESIGN.md; see metrics.ts). */
export function evaluate(
  model: BertModel,
  tokenizer: TextEncoder,
  examples: readonly TrainExample[],
  opts: EvaluateOptions = {},
): Record<string, number> {
  const preds = predict(
    model,
    tokenizer,
    examples.map((e) => e.text),
    opts,
  );
  return scorePredictions(model, preds, examples, opts);
}

/** Metrics of predictions against the examples' labels. */
export function scorePredictions(
  model: BertModel,
  predictions: readonly Prediction[],
  examples: readonly TrainExample[],
  opts: EvaluateOptions = {},
): Record<string, number> {
  const preds = predictions.map((p) => p.prediction);
  const labels = examples.map((e) => e.label);
  return model.head === 'regression'
    ? regressionScores(preds, labels, opts.tolerance ?? 1, opts.labelRange)
    : classificationScores(preds, labels);
}
