import { describe, expect, it } from 'vitest';
import { ema, emaPoints } from './ema.ts';

describe('ema (debiased, TensorBoard style)', () => {
  it('matches a hand-computed case', () => {
    // w = 0.5: last1 = 0.5 → /0.5 = 1; last2 = 0.25 + 1 = 1.25 → /0.75 = 1.6667;
    // last3 = 0.625 + 2 = 2.625 → /0.875 = 3
    const out = ema([1, 2, 4], 0.5);
    expect(out[0]).toBeCloseTo(1, 12);
    expect(out[1]).toBeCloseTo(5 / 3, 12);
    expect(out[2]).toBeCloseTo(3, 12);
  });

  it('leaves a constant series unchanged (no bias toward zero)', () => {
    for (const v of ema([4, 4, 4, 4, 4], 0.9)) expect(v).toBeCloseTo(4, 12);
  });

  it('returns the input for weight 0 and passes NaN through without poisoning later points', () => {
    expect(ema([3, 1, 2], 0)).toEqual([3, 1, 2]);
    const out = ema([2, Number.NaN, 2], 0.6);
    expect(out[0]).toBeCloseTo(2, 12);
    expect(Number.isNaN(out[1])).toBe(true);
    expect(out[2]).toBeCloseTo(2, 12);
  });

  it('refuses a weight outside [0, 1)', () => {
    expect(() => ema([1], 1)).toThrow(/weight must be in \[0, 1\)/);
    expect(() => ema([1], -0.1)).toThrow();
  });

  it('keeps x in emaPoints', () => {
    expect(
      emaPoints(
        [
          { x: 10, y: 1 },
          { x: 20, y: 3 },
        ],
        0.5,
      ).map((p) => p.x),
    ).toEqual([10, 20]);
  });
});
