/**
 * The one metrics table: every evaluation metric the product shows, with its label, definition,
 * direction and format. Charts, summaries, the CLI and the README read it; nothing else keeps a
 * label or a "better is higher" flag.
 *
 * Keys are camelCase (`flexibleAccuracy`) everywhere inside the product (run summaries, charts);
 * `jsonKey` is the snake_case name of the CLI's JSON output and `metrics.json`, a stable contract
 * (`flexible_accuracy`), and the `eval/<jsonKey>` series name of per-epoch curves.
 */
export interface MetricSpec {
  key: MetricKey;
  /** Key in CLI JSON output, metrics.json and the `eval/…` series (unchanged contract). */
  jsonKey: string;
  label: string;
  /** Short label for narrow table headers. */
  shortLabel: string;
  /** One sentence, shown as the header's tooltip and in the README. */
  definition: string;
  higherIsBetter: boolean;
  /** `percent` values are shares in [0, 1] shown as 12.3 %; `number` values are shown as they are. */
  format: 'number' | 'percent';
  /** Which tasks report it. */
  tasks: readonly ('regression' | 'classification')[];
}

export type MetricKey = 'mae' | 'rmse' | 'accuracy' | 'flexibleAccuracy' | 'macroF1' | 'loss';

export const METRICS: Readonly<Record<MetricKey, MetricSpec>> = Object.freeze({
  mae: {
    key: 'mae',
    jsonKey: 'mae',
    label: 'MAE',
    shortLabel: 'MAE',
    definition: 'Mean absolute error: (1/n) Σ |ŷ − y| on raw predictions.',
    higherIsBetter: false,
    format: 'number',
    tasks: ['regression'],
  },
  rmse: {
    key: 'rmse',
    jsonKey: 'rmse',
    label: 'RMSE',
    shortLabel: 'RMSE',
    definition: 'Root mean squared error: √((1/n) Σ (ŷ − y)²) on raw predictions.',
    higherIsBetter: false,
    format: 'number',
    tasks: ['regression'],
  },
  accuracy: {
    key: 'accuracy',
    jsonKey: 'accuracy',
    label: 'Accuracy',
    shortLabel: 'Acc',
    definition:
      'Strict: share of rows whose prediction equals the label (regression: clamped to the label range, then rounded half away from zero).',
    higherIsBetter: true,
    format: 'percent',
    tasks: ['regression', 'classification'],
  },
  flexibleAccuracy: {
    key: 'flexibleAccuracy',
    jsonKey: 'flexible_accuracy',
    label: 'Flexible accuracy',
    shortLabel: 'Flex acc',
    definition:
      'Flexible: share of rows whose prediction, clamped to the label range and rounded half away from zero, is within ±k of the label (k per dataset).',
    higherIsBetter: true,
    format: 'percent',
    tasks: ['regression'],
  },
  macroF1: {
    key: 'macroF1',
    jsonKey: 'macro_f1',
    label: 'Macro F1',
    shortLabel: 'Macro F1',
    definition: 'Unweighted mean over classes of F1 = 2·TP / (2·TP + FP + FN).',
    higherIsBetter: true,
    format: 'number',
    tasks: ['classification'],
  },
  loss: {
    key: 'loss',
    jsonKey: 'loss',
    label: 'Loss',
    shortLabel: 'Loss',
    definition: 'Training objective on the eval rows (MSE for regression, cross-entropy for classification).',
    higherIsBetter: false,
    format: 'number',
    tasks: ['regression', 'classification'],
  },
});

/**
 * How predictions become the figures, shown beside them (run page, compare, CLI `--help`): the
 * rounding rule of strict and flexible accuracy, and error reduction against a named reference.
 */
export const SCORING_DEFINITIONS = Object.freeze({
  rounding:
    'Regression predictions are clamped to the label range, then rounded half away from zero (2.5 → 3, −2.5 → −3).',
  strict:
    'Strict accuracy: the rounded prediction equals the label (shown only where labels are whole numbers).',
  flexible: 'Flexible accuracy: the rounded prediction is within ±k of the label.',
  errorReduction:
    'Error reduction = 1 − errors(run) / errors(reference), on the same rows, for MAE and for flexible errors; the reference is named beside it.',
});

/** The evaluation metrics a user chooses between (loss is a training signal, not a result). */
export const EVAL_METRIC_KEYS: readonly MetricKey[] = [
  'mae',
  'rmse',
  'accuracy',
  'flexibleAccuracy',
  'macroF1',
];

export function isMetricKey(key: string): key is MetricKey {
  return Object.hasOwn(METRICS, key);
}

/**
 * Whether a metric means something for these labels. Strict accuracy (round(prediction) = label)
 * is defined only where regression labels are whole numbers: continuous labels (VADER compound
 * scores in [−1, 1]) are almost never equal to a rounded prediction, so it would read 0. Accepts
 * camelCase or JSON keys.
 */
export function metricDefined(
  key: string,
  task: string | null | undefined,
  labels: { integer: boolean } | readonly number[],
): boolean {
  const integer = 'integer' in labels ? labels.integer : labels.every((l) => Number.isInteger(l));
  return !(findMetric(key)?.key === 'accuracy' && task === 'regression' && !integer);
}

/** Finds a metric by its camelCase key or its snake_case JSON key (`flexible_accuracy`); undefined if unknown. */
export function findMetric(name: string): MetricSpec | undefined {
  if (isMetricKey(name)) return METRICS[name];
  return Object.values(METRICS).find((m) => m.jsonKey === name);
}

/**
 * Engine/CLI metrics (snake_case JSON keys) → the product's camelCase keys, for every table metric
 * present; `loss` falls back to `train_loss`. Other keys (n, confusion_matrix) are left out.
 * @example fromJsonKeys({ mae: 0.5, flexible_accuracy: 0.9, n: 10 }) // { mae: 0.5, flexibleAccuracy: 0.9 }
 */
export function fromJsonKeys(
  m: Readonly<Record<string, number | undefined>>,
): Partial<Record<MetricKey, number>> {
  const out: Partial<Record<MetricKey, number>> = {};
  for (const spec of Object.values(METRICS)) {
    const v = m[spec.jsonKey] ?? (spec.key === 'loss' ? m.train_loss : undefined);
    if (v !== undefined) out[spec.key] = v;
  }
  return out;
}

/**
 * Multi-item scales: an item's figure is named `<item>/<jsonKey>` in flat metric records (epoch
 * metrics, the `eval/<item>/<jsonKey>` curves), beside the unprefixed means over items.
 */
export const ITEM_METRIC_SEPARATOR = '/';

/** @example itemMetricName('sadness', 'mae') // 'sadness/mae' */
export function itemMetricName(item: string, jsonKey: string): string {
  return `${item}${ITEM_METRIC_SEPARATOR}${jsonKey}`;
}

/** The item and metric of a per-item metric name, or null for an unprefixed one. The item is everything before the last separator. */
export function parseItemMetricName(name: string): { item: string; jsonKey: string } | null {
  const at = name.lastIndexOf(ITEM_METRIC_SEPARATOR);
  if (at <= 0 || at === name.length - 1) return null;
  return { item: name.slice(0, at), jsonKey: name.slice(at + 1) };
}

/**
 * One flat record of the means and every item's figures (`<item>/<jsonKey>`), as epoch metrics and
 * curves store them.
 * @example flattenItemMetrics({ mae: 1 }, { a: { mae: 0.5 } }) // { mae: 1, 'a/mae': 0.5 }
 */
export function flattenItemMetrics(
  means: Readonly<Record<string, number>>,
  items: Readonly<Record<string, Readonly<Record<string, number>>>> | undefined,
): Record<string, number> {
  const out: Record<string, number> = { ...means };
  for (const [item, m] of Object.entries(items ?? {}))
    for (const [k, v] of Object.entries(m)) out[itemMetricName(item, k)] = v;
  return out;
}

/**
 * The CLI / metrics.json form of a flat record: the unprefixed figures (means over items) at the top
 * and each item's under `items` (absent when no key names an item).
 * @example nestItemMetrics({ mae: 1, 'a/mae': 0.5 }) // { mae: 1, items: { a: { mae: 0.5 } } }
 */
export function nestItemMetrics(
  flat: Readonly<Record<string, number>>,
): Record<string, number | Record<string, Record<string, number>>> {
  const out: Record<string, number> = {};
  const items: Record<string, Record<string, number>> = {};
  for (const [name, v] of Object.entries(flat)) {
    const parsed = parseItemMetricName(name);
    if (!parsed) out[name] = v;
    else items[parsed.item] = { ...items[parsed.item], [parsed.jsonKey]: v };
  }
  return Object.keys(items).length > 0 ? { items, ...out } : out;
}
