import { describe, expect, it } from 'vitest';
import { parsePlanText, parseScaleText, planToText } from './forms.ts';

describe('launch form fields', () => {
  it('reads plan lines with and without items, and names the bad line', () => {
    const plan = parsePlanText('sleep, 5, 40\n# comment\n\n6, 3');
    expect(plan).toEqual([
      { item: 'sleep', score: 5, count: 40 },
      { item: null, score: 6, count: 3 },
    ]);
    expect(planToText(plan)).toBe('sleep, 5, 40\n6, 3');
    expect(() => parsePlanText('sleep, 5, 40\nsleep, five, 2')).toThrow(/plan line 2: score "five"/);
    expect(() => parsePlanText('sleep, 5, 0')).toThrow(/plan line 1: count "0"/);
  });

  it('reads scale wording lines', () => {
    expect(parseScaleText('5: severe\n6:extreme: no sleep')).toEqual({
      '5': 'severe',
      '6': 'extreme: no sleep',
    });
    expect(() => parseScaleText('severe')).toThrow(/scale line 1/);
  });
});
