// scoreModel: the one way a loaded model is scored on labelled rows. Training (per epoch and at the
// end), evaluate runs, merge scoring and the CLI all call it, so every figure means the same thing.
import type { BertModel } from '../bert/model.ts';
import type { TRowSource, TTask } from '../datasets/schemas.ts';
import {
  scoreItems,
  scorePredictions,
  type TItemSpace,
  type TLabelSpace,
  type TScores,
} from '../metrics/score.ts';
import type { TextEncoder } from './batches.ts';
import { itemLabelsOf } from './items.ts';
import { type PredictOptions, predict } from './predict.ts';
import { predictOnThreads } from './threads/predict-threads.ts';
import type { Prediction, TItemSpec } from './types.ts';

/** A labelled row to score: text, label (value or class id) and, when known, its source. */
export interface TScoreRow {
  text: string;
  label: number;
  source?: TRowSource | null;
  /** Multi-item (wide): each item's label, null where unlabelled. */
  labels?: readonly (number | null)[];
  /** Multi-item (long): the item this row is labelled for. */
  item?: number;
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
  /** Multi-item regression: the items' names and ranges (default: the model's stored ones). */
  items?: readonly TItemSpec[];
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
  if (model.head === 'regression' && model.numLabels > 1) {
    return {
      ...scoreItems(
        predictions.map((p) => p.values ?? p.logits),
        rows.map((r, i) => ({
          labels: itemLabelsOf(r, model.numLabels, `row ${i + 1}`),
          source: r.source,
        })),
        itemSpacesFor(model, opts),
      ),
      predictions,
    };
  }
  return {
    ...scorePredictions(
      predictions.map((p) => p.prediction),
      rows,
      labelSpaceFor(model, opts),
    ),
    predictions,
  };
}

/** Each item's name and label space: the options' items, else the model's stored names and ranges. */
export function itemSpacesFor(model: BertModel, opts: ScoreModelOptions): TItemSpace[] {
  return Array.from({ length: model.numLabels }, (_, j) => {
    const given = opts.items?.[j];
    const labelRange =
      given?.labelRange ?? model.itemRanges?.[j] ?? opts.labelRange ?? model.labelRange ?? null;
    return {
      name: given?.name ?? model.itemNames?.[j] ?? `LABEL_${j}`,
      space: { task: 'regression', labelRange, tolerance: opts.tolerance ?? 1 },
    };
  });
}

/**
 * A multi-item model's items as options take them (`ScoreModelOptions.items`): names and ranges of
 * `itemSpacesFor`; null for a model with one output or a classification head.
 */
export function modelItemSpecs(model: BertModel, opts: ScoreModelOptions): TItemSpec[] | null {
  if (model.head !== 'regression' || model.numLabels < 2) return null;
  return itemSpacesFor(model, opts).map((item) => {
    const range = item.space.task === 'regression' ? item.space.labelRange : null;
    return { name: item.name, ...(range ? { labelRange: [range[0], range[1]] as [number, number] } : {}) };
  });
}

function assertScorable(model: BertModel, opts: ScoreModelOptions): void {
  if (model.head !== opts.task) {
    throw new Error(`cannot score a ${opts.task} task with a model whose head is "${model.head}"`);
  }
}
