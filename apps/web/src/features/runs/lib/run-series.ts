// Which curves the run page charts: the means over items, or one item's `eval/<item>/<metric>`
// series (multi-item scales; names from the core's itemMetricName).
import { EVAL_METRIC_KEYS, itemMetricName, METRICS } from '@tunelab/core/metrics';

const EVAL_SERIES = EVAL_METRIC_KEYS.map((k) => METRICS[k]);
const BASE_SERIES = ['train/loss', 'train/lr', 'eval/loss', ...EVAL_SERIES.map((m) => `eval/${m.jsonKey}`)];

/** The series key of an eval metric for one item, or the mean's key when item is null. */
export function evalSeriesKey(jsonKey: string, item: string | null): string {
  return `eval/${item === null ? jsonKey : itemMetricName(item, jsonKey)}`;
}

/** The names the run page asks the series API for: the means, plus the chosen item's curves. */
export function runSeriesNames(item: string | null): string[] {
  return item === null
    ? BASE_SERIES
    : [...BASE_SERIES, ...EVAL_SERIES.map((m) => evalSeriesKey(m.jsonKey, item))];
}

/** A series' legend label: the metric's label, prefixed by the item for per-item curves. */
export function runSeriesLabel(key: string, item: string | null): string {
  if (key === 'train/loss') return 'train loss';
  if (key === 'train/lr') return 'learning rate';
  if (key === 'eval/loss') return 'eval loss';
  const metric = EVAL_SERIES.find(
    (m) =>
      key === evalSeriesKey(m.jsonKey, null) || (item !== null && key === evalSeriesKey(m.jsonKey, item)),
  );
  if (!metric) return key;
  return key === evalSeriesKey(metric.jsonKey, null) ? metric.label : `${item} ${metric.label}`;
}

/** The eval charts: title and series keys, for the means or one item (loss stays the mean's). */
export function evalCharts(
  item: string | null,
  strictAccuracy: boolean,
): { title: string; keys: string[] }[] {
  const key = (jsonKey: string) => evalSeriesKey(jsonKey, item);
  const of = item === null ? '' : ` · item ${item}`;
  return [
    { title: `Eval error (MAE, RMSE)${of}`, keys: [key('mae'), key('rmse')] },
    {
      title: `${strictAccuracy ? 'Eval accuracy' : 'Eval flexible accuracy'}${of}`,
      keys: [...(strictAccuracy ? [key('accuracy')] : []), key('flexible_accuracy'), key('macro_f1')],
    },
    { title: 'Eval loss', keys: ['eval/loss'] },
  ];
}
