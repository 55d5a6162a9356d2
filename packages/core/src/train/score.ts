// scoreModel: the one way a loaded model is scored on labelled rows. Training (per epoch and at the
// end), evaluate runs, merge scoring and the CLI all call it, so every figure means the same thing.
import type { BertModel } from '../bert/model.ts';
import type { TRowSource, TTask } from '../datasets/schemas.ts';
import { scorePredictions, type TLabelSpace, type TScores } from '../metrics/score.ts';
import type { TextEncoder } from './batches.ts';
import { type PredictOptions, predict } from './predict.ts';
import { predictOnThreads } from './threads/predict-threads.ts';
import type { Prediction } from './types.ts';

/** A labelled row to score: text, label (value or class id) and, when known, its source. */
export interface TScoreRow {
  text: string;
  label: number;
  source?: TRowSource | null;
}

export interface ScoreModelOptions extends PredictOptions {
  task: TTask;
  /**
   * Regression: the dataset's label range, or the model's stored training range (`model.labelRange`,
   * the default). Never the range of the rows being scored.
   */
  labelRange?: readonly [number, number] | null;
  /** Regression: k of flexible accuracy (default 1). */
  tolerance?: number;
  /** Classification: number of classes (default: the model's outputs). */
  numClasses?: number;
}

export interface ModelScore extends TScores {
  /** Per row, in input order. */
  predictions: Prediction[];
}

/** The label space a model is scored in, from the options and the model's own head. */
export function labelSpaceFor(model: BertModel, opts: ScoreModelOptions): TLabelSpace {
  return opts.task === 'regression'
    ? { task: 'regression', labelRange: opts.labelRange ?? model.labelRange, tolerance: opts.tolerance ?? 1 }
    : { task: 'classification', numClasses: opts.numClasses ?? model.numLabels };
}

/**
 * Predicts every row and scores the predictions (see `scorePredictions`): metrics keyed as in
 * metrics.json, `bySource` when rows carry a source, and the predictions themselves. An empty row
 * set scores as `{ n: 0 }`.
 */
export function scoreModel(
  model: BertModel,
  tokenizer: TextEncoder,
  rows: readonly TScoreRow[],
  opts: ScoreModelOptions,
): ModelScore {
  assertScorable(model, opts);
  if (rows.length === 0) return { metrics: { n: 0 }, predictions: [] };
  const predictions = predict(
    model,
    tokenizer,
    rows.map((r) => r.text),
    opts,
  );
  return scoreModelPredictions(model, rows, predictions, opts);
}

/** `scoreModel` with the rows' predictions dealt out over `threads` replica threads (same figures). */
export async function scoreModelOnThreads(
  model: BertModel,
  tokenizer: TextEncoder,
  rows: readonly TScoreRow[],
  opts: ScoreModelOptions & { threads?: number },
): Promise<ModelScore> {
  assertScorable(model, opts);
  if (rows.length === 0) return { metrics: { n: 0 }, predictions: [] };
  const predictions = await predictOnThreads(
    model,
    tokenizer,
    rows.map((r) => r.text),
    opts,
  );
  return scoreModelPredictions(model, rows, predictions, opts);
}

/** Scores a model's predictions (in row order) in the label space of the model and the options. */
export function scoreModelPredictions(
  model: BertModel,
  rows: readonly TScoreRow[],
  predictions: Prediction[],
  opts: ScoreModelOptions,
): ModelScore {
  return {
    ...scorePredictions(
      predictions.map((p) => p.prediction),
      rows,
      labelSpaceFor(model, opts),
    ),
    predictions,
  };
}

function assertScorable(model: BertModel, opts: ScoreModelOptions): void {
  if (model.head !== opts.task) {
    throw new Error(`cannot score a ${opts.task} task with a model whose head is "${model.head}"`);
  }
}
