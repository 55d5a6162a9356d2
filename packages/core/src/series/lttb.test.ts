import { describe, expect, it } from 'vitest';
import { lttb, type SeriesPoint } from './lttb.ts';

const pts = (ys: number[]): SeriesPoint[] => ys.map((y, x) => ({ x, y }));

describe('lttb', () => {
  it('returns a copy of the input when it has no more points than asked', () => {
    const input = pts([1, 2, 3]);
    const out = lttb(input, 5);
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
  });

  it('keeps the spike in a hand-worked case', () => {
    // buckets of one point each except the middle: threshold 3 → one bucket over x = 1..3
    // triangle areas with a = (0,0) and next average (4,0): x=1 → |(0-4)(5-0)|=20, x=2 → 4, x=3 → 4
    const out = lttb(pts([0, 5, 1, 1, 0]), 3);
    expect(out.map((p) => p.x)).toEqual([0, 1, 4]);
  });

  it('keeps first and last and returns exactly threshold points in x order', () => {
    const input = pts(Array.from({ length: 1000 }, (_, i) => Math.sin(i / 20) + (i % 7) * 0.01));
    const out = lttb(input, 50);
    expect(out).toHaveLength(50);
    expect(out[0]).toEqual(input[0]);
    expect(out[49]).toEqual(input[999]);
    for (let i = 1; i < out.length; i++)
      expect((out[i] as SeriesPoint).x).toBeGreaterThan((out[i - 1] as SeriesPoint).x);
  });

  it('keeps the global minimum and maximum', () => {
    const ys = Array.from({ length: 10_000 }, (_, i) => Math.cos(i / 300));
    ys[4321] = -7;
    ys[8765] = 9;
    const out = lttb(pts(ys), 100);
    const outYs = out.map((p) => p.y);
    expect(Math.min(...outYs)).toBe(-7);
    expect(Math.max(...outYs)).toBe(9);
  });

  it('refuses a threshold below 3', () => {
    expect(() => lttb(pts([1, 2, 3, 4]), 2)).toThrow(/threshold must be an integer ≥ 3/);
  });
});
