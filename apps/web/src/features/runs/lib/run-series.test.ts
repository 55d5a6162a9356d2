import { itemMetricName } from '@tunelab/core/metrics';
import { describe, expect, it } from 'vitest';
import { evalCharts, evalSeriesKey, runSeriesLabel, runSeriesNames } from './run-series.ts';
import { parseSeriesSelector } from './series-params.ts';

describe('run page series: mean or one item', () => {
  it('the mean view asks for the unprefixed curves only', () => {
    const names = runSeriesNames(null);
    expect(names).toContain('eval/mae');
    expect(names.some((n) => n.split('/').length > 2)).toBe(false);
    expect(evalCharts(null, true)[0]?.keys).toEqual(['eval/mae', 'eval/rmse']);
  });

  it('an item view reads the <item>/<metric> series the worker stores, through the series API selector', () => {
    const names = runSeriesNames('sleep quality');
    expect(names).toContain(`eval/${itemMetricName('sleep quality', 'mae')}`);
    expect(names.length).toBeLessThanOrEqual(32); // the series API's limit
    expect(parseSeriesSelector(evalSeriesKey('mae', 'sleep quality'))).toEqual({
      split: 'eval',
      name: itemMetricName('sleep quality', 'mae'),
    });
    const charts = evalCharts('sleep quality', false);
    expect(charts[0]).toEqual({
      title: 'Eval error (MAE, RMSE) · item sleep quality',
      keys: ['eval/sleep quality/mae', 'eval/sleep quality/rmse'],
    });
    expect(charts[1]?.keys).toEqual(['eval/sleep quality/flexible_accuracy', 'eval/sleep quality/macro_f1']);
    expect(charts[2]?.keys).toEqual(['eval/loss']);
  });

  it('labels per-item curves with the item', () => {
    expect(runSeriesLabel('eval/mae', null)).toBe('MAE');
    expect(runSeriesLabel('eval/sad/mae', 'sad')).toBe('sad MAE');
    expect(runSeriesLabel('train/loss', 'sad')).toBe('train loss');
  });
});
