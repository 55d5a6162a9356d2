import { describe, expect, it } from 'vitest';
import { linearMerge } from './linear.ts';
import { slerp } from './slerp.ts';

describe('linear', () => {
  it('takes the weighted mean (normalize) or the weighted sum', () => {
    const a = Float32Array.from([1, -2]);
    const b = Float32Array.from([3, 2]);
    expect([...linearMerge([a, b], [1, 3], true)]).toEqual([2.5, 1]);
    expect([...linearMerge([a, b], [1, 3], false)]).toEqual([10, 4]);
    expect(() => linearMerge([a, b], [1, -1], true)).toThrow(/sum to 0/);
  });
});

describe('slerp', () => {
  it('interpolates the angle and the norms (hand-computed quarter turn)', () => {
    const out = slerp(0.5, Float32Array.from([1, 0]), Float32Array.from([0, 2]));
    expect(out[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(out[1]).toBeCloseTo(2 * Math.SQRT1_2, 6);
  });

  it('is the first tensor at t = 0 and the second at t = 1', () => {
    const a = Float32Array.from([1, 2, 3]);
    const b = Float32Array.from([-1, 0, 2]);
    slerp(0, a, b).forEach((x, i) => {
      expect(x).toBeCloseTo(a[i] as number, 6);
    });
    slerp(1, a, b).forEach((x, i) => {
      expect(x).toBeCloseTo(b[i] as number, 6);
    });
  });

  it('falls back to lerp for (anti-)colinear tensors', () => {
    expect([...slerp(0.25, Float32Array.from([2, 4]), Float32Array.from([1, 2]))]).toEqual([1.75, 3.5]);
    expect([...slerp(0.5, Float32Array.from([1, 1]), Float32Array.from([-1, -1]))]).toEqual([0, 0]);
  });
});
