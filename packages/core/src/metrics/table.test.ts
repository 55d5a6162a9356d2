import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classificationMetrics } from './classification.ts';
import { regressionMetrics } from './regression.ts';
import { EVAL_METRIC_KEYS, findMetric, fromJsonKeys, METRICS, metricDefined } from './table.ts';

describe('the metrics table', () => {
  it('names every key the CLI prints, by its JSON key, for the tasks that report it', () => {
    const regression = Object.keys(regressionMetrics([1, 2], [1, 3])).filter((k) => k !== 'n');
    const classification = Object.keys(classificationMetrics([0, 1], [0, 0], 2)).filter(
      (k) => k !== 'n' && k !== 'confusion_matrix',
    );
    const jsonKeys = (task: 'regression' | 'classification') =>
      EVAL_METRIC_KEYS.map((k) => METRICS[k])
        .filter((m) => m.tasks.includes(task))
        .map((m) => m.jsonKey);
    expect(jsonKeys('regression').sort()).toEqual(regression.sort());
    expect(jsonKeys('classification').sort()).toEqual(classification.sort());
  });

  it('finds a metric by camelCase key or snake_case JSON key, and nothing else', () => {
    expect(findMetric('flexibleAccuracy')?.jsonKey).toBe('flexible_accuracy');
    expect(findMetric('macro_f1')?.key).toBe('macroF1');
    expect(findMetric('mae')?.higherIsBetter).toBe(false);
    expect(findMetric('toString')).toBeUndefined();
    expect(findMetric('f1')).toBeUndefined();
  });

  it("maps the engine's snake_case metrics to camelCase keys, loss from train_loss", () => {
    expect(fromJsonKeys({ mae: 0.5, flexible_accuracy: 0.9, macro_f1: 0.3, train_loss: 2, n: 10 })).toEqual({
      mae: 0.5,
      flexibleAccuracy: 0.9,
      macroF1: 0.3,
      loss: 2,
    });
  });

  it('is the table the README shows', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../../../README.md'), 'utf8');
    // cells of the README's metrics table (biome pads them; `\|` is a pipe inside a cell)
    const rows = readme
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) =>
        line
          .slice(1, -1)
          .split(/(?<!\\)\|/)
          .map((cell) => cell.trim().replaceAll('\\|', '|')),
      );
    const expected = Object.values(METRICS).map((m) => [
      `\`${m.key}\``,
      `\`${m.jsonKey}\``,
      m.label,
      m.definition,
      m.higherIsBetter ? 'higher' : 'lower',
      m.format,
    ]);
    expect(rows.filter((r) => r.length === 6 && expected.some((e) => e[0] === r[0]))).toEqual(expected);
  });
});

describe('metricDefined', () => {
  it('hides strict accuracy for continuous regression labels only', () => {
    expect(metricDefined('accuracy', 'regression', [0.25, -0.5, 1])).toBe(false);
    expect(metricDefined('accuracy', 'regression', [0, 3, -2])).toBe(true);
    expect(metricDefined('accuracy', 'regression', { integer: false })).toBe(false);
    expect(metricDefined('accuracy', 'classification', { integer: false })).toBe(true);
    expect(metricDefined('flexible_accuracy', 'regression', [0.25])).toBe(true);
    expect(metricDefined('mae', 'regression', { integer: false })).toBe(true);
  });
});
