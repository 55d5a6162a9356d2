import { describe, expect, it } from 'vitest';
import { keepTopKMagnitude, magnitudeThreshold } from './magnitude-select.ts';
import { mulberry32 } from './seeded-random.ts';

/** Reference: stable descending argsort of |x|, keep the first k (mergekit's rule, stable order). */
function referenceTopK(values: number[], k: number): number[] {
  const order = values.map((v, i) => [Math.abs(v), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const keep = new Set(order.slice(0, k).map(([, i]) => i));
  return values.map((v, i) => (keep.has(i) ? v : 0));
}

describe('magnitude selection', () => {
  it('keeps the k largest magnitudes of a hand-made vector', () => {
    const v = Float32Array.from([0.5, -3, 2, -0.25, 1]);
    keepTopKMagnitude(v, 2);
    expect([...v]).toEqual([0, -3, 2, 0, 0]);
  });

  it('keeps exactly k entries when magnitudes tie, lowest index first', () => {
    const v = Float32Array.from([1, -2, 2, -2, 0.5, 2]);
    keepTopKMagnitude(v, 3);
    expect([...v]).toEqual([0, -2, 2, -2, 0, 0]);
    expect(magnitudeThreshold(Float32Array.from([1, -2, 2, -2, 0.5, 2]), 3)).toEqual({
      key: new Uint32Array(Float32Array.from([2]).buffer)[0],
      above: 0,
      keepAtThreshold: 3,
      atThreshold: 4,
    });
  });

  it('handles zeros, k = n and k = 0', () => {
    const zeros = new Float32Array(4);
    keepTopKMagnitude(zeros, 2);
    expect([...zeros]).toEqual([0, 0, 0, 0]);
    const all = Float32Array.from([1, -1]);
    keepTopKMagnitude(all, 2);
    expect([...all]).toEqual([1, -1]);
    keepTopKMagnitude(all, 0);
    expect([...all]).toEqual([0, 0]);
  });

  it('matches a sort on random vectors with many near ties across both radix passes', () => {
    const next = mulberry32(7);
    for (const n of [1, 17, 1000, 5000]) {
      // Values quantised to a few levels so ties are common, and a spread of exponents.
      const values = Array.from({ length: n }, () => ((next() % 41) - 20) * 2 ** ((next() % 20) - 10));
      for (const k of [1, Math.floor(n / 3), n - 1].filter((x) => x >= 1)) {
        const v = Float32Array.from(values);
        keepTopKMagnitude(v, k);
        expect([...v]).toEqual(referenceTopK([...Float32Array.from(values)], k));
      }
    }
  });
});
