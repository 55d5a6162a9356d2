import { describe, expect, it } from 'vitest';
import { metricsTitle, referenceName, shownMetric } from './metric-view.ts';

describe('metric view', () => {
  it('hides strict accuracy for continuous regression labels only', () => {
    expect(shownMetric('accuracy', 'regression', false)).toBe(false);
    expect(shownMetric('accuracy', 'regression', true)).toBe(true);
    expect(shownMetric('accuracy', 'classification', false)).toBe(true);
    expect(shownMetric('mae', 'regression', false)).toBe(true);
  });

  it('names the majority class instead of its index', () => {
    expect(referenceName('majority class (1)', ['ham', 'spam'])).toBe('majority class (spam)');
    expect(referenceName('majority class (1)', null)).toBe('majority class (1)');
    expect(referenceName('mean of train labels', ['a'])).toBe('mean of train labels');
  });

  it('titles the metrics by the split that was scored', () => {
    expect(metricsTitle('evaluate', 'test', 40)).toBe('Final metrics (test split, 40 rows)');
    expect(metricsTitle('train', 'eval', 10)).toBe('Final metrics (eval set, 10 rows)');
    expect(metricsTitle('pretrain', undefined, undefined)).toBe('Final training metrics');
  });
});
