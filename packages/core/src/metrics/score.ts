// Scoring predictions against labelled rows: the one place that picks the metrics of a task, applies
// the label range and splits the figures by row source (DESIGN.md "Metrics").
import type { TRowSource, TTask } from '../datasets/schemas.ts';
import { classificationMetrics } from './classification.ts';
import { MetricsError } from './errors.ts';
import { regressionMetrics } from './regression.ts';

/** What is being scored: a task and its label space. */
export type TLabelSpace =
  | {
      task: 'regression';
      /**
       * [min, max] of the scale: the dataset's range, or the model's stored training range; null
       * only when neither is known (predictions are then rounded but not clamped).
       */
      labelRange: readonly [number, number] | null;
      /** k of flexible accuracy. */
      tolerance: number;
    }
  | { task: 'classification'; numClasses: number };

/** One scored row: its label and, where the dataset records it, where the row came from. */
export interface TScoredRow {
  label: number;
  source?: TRowSource | null;
}

/** Metric values keyed as in metrics.json (mae, rmse, accuracy, flexible_accuracy, macro_f1, n). */
export type TMetricValues = Record<string, number>;

export interface TScores {
  metrics: TMetricValues;
  /** The same figures on the real and on the synthetic rows; present when rows carry a source. */
  bySource?: Partial<Record<TRowSource, TMetricValues>>;
  /** Classification: confusion_matrix[true][predicted]. */
  confusionMatrix?: number[][];
  /**
   * Multi-item scales: each item's own figures (on the rows labelled for it), keyed by item name;
   * `metrics` and `bySource` then hold the means over the items (n: labelled (row, item) pairs).
   */
  items?: Record<string, TScores>;
}

const SOURCES: readonly TRowSource[] = ['real', 'synthetic'];

function metricsOf(predictions: ArrayLike<number>, labels: ArrayLike<number>, space: TLabelSpace) {
  if (space.task === 'regression') {
    const range = space.labelRange;
    return {
      metrics: {
        ...regressionMetrics(predictions, labels, {
          labelMin: range?.[0],
          labelMax: range?.[1],
          tolerance: space.tolerance,
        }),
      } as TMetricValues,
    };
  }
  const m = classificationMetrics(predictions, labels, space.numClasses);
  return {
    metrics: { accuracy: m.accuracy, macro_f1: m.macro_f1, n: m.n } as TMetricValues,
    confusionMatrix: m.confusion_matrix,
  };
}

/**
 * Scores predictions (regression values or class ids, in row order) against rows. Regression:
 * MAE, RMSE, strict and flexible accuracy after clamping to the label range and rounding half away
 * from zero. Classification: accuracy and macro-F1. When any row has a source, `bySource` repeats
 * the figures for the real and the synthetic rows (a source without rows is left out).
 * @example scorePredictions([2.5, 7], [{label: 3}, {label: 6}], {task: 'regression', labelRange: [0, 6], tolerance: 1})
 *   // metrics.accuracy 1 (2.5 → 3; 7 clamps to 6)
 */
export function scorePredictions(
  predictions: ArrayLike<number>,
  rows: readonly TScoredRow[],
  space: TLabelSpace,
): TScores {
  if (predictions.length !== rows.length) {
    throw new MetricsError(`scoring: ${predictions.length} predictions for ${rows.length} rows`);
  }
  const scores: TScores = metricsOf(
    predictions,
    rows.map((r) => r.label),
    space,
  );
  if (rows.some((r) => r.source != null)) {
    scores.bySource = {};
    for (const source of SOURCES) {
      const idx: number[] = [];
      rows.forEach((r, i) => {
        if ((r.source ?? 'real') === source) idx.push(i);
      });
      if (idx.length === 0) continue;
      scores.bySource[source] = metricsOf(
        idx.map((i) => predictions[i] as number),
        idx.map((i) => (rows[i] as TScoredRow).label),
        space,
      ).metrics;
    }
  }
  return scores;
}

/** A row of a multi-item scale: each item's label in item order, null where it has none. */
export interface TItemScoredRow {
  labels: readonly (number | null)[];
  source?: TRowSource | null;
}

/** One item of a multi-item scale and the label space it is scored in. */
export interface TItemSpace {
  name: string;
  space: TLabelSpace;
}

/**
 * Means over items of each metric the items report (n: the sum). An item without labelled rows
 * (n 0) takes no part in the means.
 */
export function meanOverItems(perItem: readonly TMetricValues[]): TMetricValues {
  const scored = perItem.filter((m) => (m.n ?? 0) > 0);
  const out: TMetricValues = {};
  const keys = new Set(scored.flatMap((m) => Object.keys(m)));
  for (const key of keys) {
    const values = scored.map((m) => m[key]).filter((v): v is number => v !== undefined);
    if (key === 'n') out.n = values.reduce((a, b) => a + b, 0);
    else if (values.length > 0) out[key] = values.reduce((a, b) => a + b, 0) / values.length;
  }
  if (out.n === undefined) out.n = 0;
  return out;
}

/**
 * Scores multi-item predictions (per row, one value per item) against rows labelled per item:
 * every item on its labelled rows only (`scorePredictions` in its own label space), then the mean
 * over items of each figure, overall and per source.
 * @example scoreItems([[1, 2]], [{ labels: [1, null] }], items).items.a.metrics.mae // 0; item b has n 0
 */
export function scoreItems(
  predictions: readonly (readonly number[])[],
  rows: readonly TItemScoredRow[],
  items: readonly TItemSpace[],
): TScores {
  if (predictions.length !== rows.length) {
    throw new MetricsError(`scoring: ${predictions.length} predictions for ${rows.length} rows`);
  }
  const perItem: Record<string, TScores> = {};
  items.forEach((item, j) => {
    const idx: number[] = [];
    rows.forEach((r, i) => {
      if (r.labels[j] != null) idx.push(i);
    });
    perItem[item.name] =
      idx.length === 0
        ? { metrics: { n: 0 } }
        : scorePredictions(
            idx.map((i) => (predictions[i] as readonly number[])[j] as number),
            idx.map((i) => ({
              label: (rows[i] as TItemScoredRow).labels[j] as number,
              source: rows[i]?.source,
            })),
            item.space,
          );
  });
  const all = Object.values(perItem);
  const scores: TScores = { metrics: meanOverItems(all.map((s) => s.metrics)), items: perItem };
  if (all.some((s) => s.bySource)) {
    scores.bySource = {};
    for (const source of SOURCES) {
      const of = all.map((s) => s.bySource?.[source]).filter((m): m is TMetricValues => m !== undefined);
      if (of.length > 0) scores.bySource[source] = meanOverItems(of);
    }
  }
  return scores;
}

/** The reference predictor for error reduction: one constant for every row, and its name. */
export interface TReferencePredictor {
  kind: string;
  value: number;
}

/**
 * The default reference of DESIGN.md: regression predicts the mean of the training labels,
 * classification the majority training class (the smallest class id on a tie). A base checkpoint
 * has no trained regression head and a fresh head predicts ≈ 0, which would flatter every run.
 * @example referencePredictor('regression', [1, 2, 6]) // {kind: 'mean of train labels (3.000)', value: 3}
 */
export function referencePredictor(task: TTask, trainLabels: readonly number[]): TReferencePredictor {
  if (trainLabels.length === 0) throw new MetricsError('reference: no training labels');
  if (task === 'regression') {
    let sum = 0;
    for (const y of trainLabels) sum += y;
    const mean = sum / trainLabels.length;
    return { kind: `mean of train labels (${mean.toFixed(3)})`, value: mean };
  }
  const counts = new Map<number, number>();
  for (const y of trainLabels) counts.set(y, (counts.get(y) ?? 0) + 1);
  let majority = Number.POSITIVE_INFINITY;
  let best = 0;
  for (const [y, c] of counts) {
    if (c > best || (c === best && y < majority)) {
      majority = y;
      best = c;
    }
  }
  return { kind: `majority class (${majority})`, value: majority };
}

/**
 * The default reference scored on the same rows as the model: the constant of
 * `referencePredictor(trainLabels)` for every row.
 */
export function scoreReference(
  trainLabels: readonly number[],
  rows: readonly TScoredRow[],
  space: TLabelSpace,
): { kind: string; scores: TScores } {
  const reference = referencePredictor(space.task, trainLabels);
  return {
    kind: reference.kind,
    scores: scorePredictions(
      rows.map(() => reference.value),
      rows,
      space,
    ),
  };
}

/**
 * The name of a model used as the reference of error reduction, scored on the same rows: with its
 * own trained head, or (a base checkpoint, as the MADRS-BERT study used its untuned BERT) with a
 * head initialised from `seed` and never trained. The loaded model says which: a head it had to
 * initialise (`initialisedHead`, non-empty for a checkpoint without a head of the run's label space:
 * one output, one per item, or one per class) is untrained. The name goes beside every
 * error-reduction figure; the CLI and runs both name their reference here.
 * @example modelReferenceKind('bert-base', { initialisedHead: ['classifier.weight'] }, 0)
 *   // 'model "bert-base" (untrained head, seed 0)'
 */
export function modelReferenceKind(
  name: string,
  model: { readonly initialisedHead: readonly string[] },
  seed: number,
): string {
  return model.initialisedHead.length === 0
    ? `model "${name}" (its own head)`
    : `model "${name}" (untrained head, seed ${seed})`;
}

/**
 * The default reference of a multi-item scale on the same rows: per item, the mean of that item's
 * training labels (`referencePredictor`), scored with `scoreItems`.
 */
export function scoreItemsReference(
  trainLabels: readonly (readonly (number | null)[])[],
  rows: readonly TItemScoredRow[],
  items: readonly TItemSpace[],
): { kind: string; scores: TScores } {
  const values = items.map((item, j) => {
    const ys = trainLabels.map((l) => l[j]).filter((y): y is number => y != null);
    if (ys.length === 0) throw new MetricsError(`reference: item "${item.name}" has no training labels`);
    return referencePredictor('regression', ys).value;
  });
  return {
    kind: 'mean of train labels, per item',
    scores: scoreItems(
      rows.map(() => values),
      rows,
      items,
    ),
  };
}

/**
 * Why a loaded model cannot score a scale of `items` (null when it can): a regression model needs
 * one output per item (one output for a single-label scale), and a model that names its items
 * (saved id2label, not LABEL_i) must name the same items in the same order, since outputs are read
 * by position. Evaluate runs refuse (`scaleRefusal`); merge scoring skips the pair.
 * @example itemsMismatch({ head: 'regression', numLabels: 1, itemNames: null }, [{ name: 'a' }, { name: 'b' }])
 *   // 'has 1 output but the scale has 2 items (a, b)'
 */
export function itemsMismatch(
  model: { head: string; numLabels: number; itemNames: readonly string[] | null },
  items: readonly { name: string }[] | null | undefined,
): string | null {
  if (model.head !== 'regression') return null;
  const want = items?.length ?? 1;
  if (model.numLabels !== want)
    return items?.length
      ? `has ${model.numLabels} output${model.numLabels === 1 ? '' : 's'} but the scale has ${want} items (${items.map((i) => i.name).join(', ')})`
      : `scores ${model.numLabels} items but the scale has one label`;
  const named = model.itemNames?.some((n, j) => n !== `LABEL_${j}`) ? model.itemNames : null;
  if (items && named?.some((n, j) => n !== items[j]?.name))
    return `scores the items ${named.join(', ')} but the scale's are ${items.map((i) => i.name).join(', ')}`;
  return null;
}

/**
 * The refusal of an evaluation of model `modelName` on dataset `datasetName` whose scale it cannot
 * score (see `itemsMismatch`), or null when it can: the web app says it before queueing, the
 * evaluate run when it loads the model.
 */
export function scaleRefusal(
  modelName: string,
  model: Parameters<typeof itemsMismatch>[0],
  datasetName: string,
  items: Parameters<typeof itemsMismatch>[1],
): string | null {
  const why = itemsMismatch(model, items);
  return why === null
    ? null
    : `Model "${modelName}" ${why} (dataset "${datasetName}"): evaluate a model fine-tuned on this scale`;
}
