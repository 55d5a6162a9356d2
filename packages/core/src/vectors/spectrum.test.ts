import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../merge/seeded-random.ts';
import { effectiveRank, singularValues, symmetricEigenvalues } from './spectrum.ts';

function uniform(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296 - 0.5;
}

/** A random orthogonal n×n matrix as a product of n Householder reflections (row-major). */
function orthogonal(n: number, seed: number): Float64Array {
  const rand = uniform(seed);
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let r = 0; r < n; r++) {
    const v = Float64Array.from({ length: n }, rand);
    const vv = v.reduce((s, x) => s + x * x, 0);
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += (q[i * n + k] as number) * (v[k] as number);
      for (let k = 0; k < n; k++) q[i * n + k] = (q[i * n + k] as number) - (2 * dot * (v[k] as number)) / vv;
    }
  }
  return q;
}

/** U·diag(σ)·Vᵀ for random orthogonal U (m×m), V (n×n), as float32. */
function withSingularValues(m: number, n: number, sigma: number[], seed: number): Float32Array {
  const u = orthogonal(m, seed);
  const v = orthogonal(n, seed + 1);
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      sigma.forEach((x, k) => {
        s += (u[i * m + k] as number) * x * (v[j * n + k] as number);
      });
      out[i * n + j] = s;
    }
  }
  return out;
}

describe('symmetric eigenvalues', () => {
  it('solves a 2×2 and a diagonal matrix by hand', () => {
    // [[2, 1], [1, 2]] → 1 and 3 (lower triangle only is read).
    const two = [...symmetricEigenvalues(Float64Array.from([2, 0, 1, 2]), 2)].sort();
    expect(two[0]).toBeCloseTo(1, 12);
    expect(two[1]).toBeCloseTo(3, 12);
    const diag = Float64Array.from([5, 0, 0, 0, -1, 0, 0, 0, 2]);
    expect([...symmetricEigenvalues(diag, 3)].sort((x, y) => x - y)).toEqual([-1, 2, 5]);
  });

  it('recovers the eigenvalues of Q·Λ·Qᵀ', () => {
    const n = 12;
    const lambda = Array.from({ length: n }, (_, i) => (i - 4) * 1.5);
    const q = orthogonal(n, 3);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++)
          s += (q[i * n + k] as number) * (lambda[k] as number) * (q[j * n + k] as number);
        a[i * n + j] = s;
      }
    }
    const got = [...symmetricEigenvalues(a, n)].sort((x, y) => x - y);
    got.forEach((x, i) => {
      expect(x).toBeCloseTo(lambda[i] as number, 9);
    });
  });
});

describe('singular values', () => {
  it('gives ‖u‖·‖v‖ for a rank-one outer product, wide or tall', () => {
    const u = [1, 2, 2]; // ‖u‖ = 3
    const v = [3, 0, 4, 0]; // ‖v‖ = 5
    const wide = Float32Array.from(u.flatMap((x) => v.map((y) => x * y)));
    const s = singularValues(wide, 3, 4);
    expect(s[0]).toBeCloseTo(15, 5);
    expect(s[1]).toBeLessThan(1e-3);
    const tall = Float32Array.from(v.flatMap((x) => u.map((y) => x * y)));
    expect(singularValues(tall, 4, 3)[0]).toBeCloseTo(15, 5);
  });

  it('recovers prescribed singular values of U·Σ·Vᵀ (tall and wide)', () => {
    const sigma = [9, 4, 2.5, 1, 0.5, 0.25];
    for (const [m, n] of [
      [6, 10],
      [10, 6],
    ] as const) {
      const s = singularValues(withSingularValues(m, n, sigma, 5), m, n);
      expect(s.length).toBe(6);
      s.forEach((x, i) => {
        expect(x).toBeCloseTo(sigma[i] as number, 4);
      });
    }
  });

  it('counts the effective rank at 90% of the energy', () => {
    expect(effectiveRank([3, 1, 1])).toBe(2);
    expect(effectiveRank([1, 1, 1, 1])).toBe(4);
    expect(effectiveRank([10, 0.1])).toBe(1);
    expect(effectiveRank([0, 0])).toBe(0);
  });

  it('handles a 256×1024 matrix with 16 directions', () => {
    const rand = uniform(9);
    const m = 256;
    const n = 1024;
    const r = 16;
    const left = Float64Array.from({ length: m * r }, rand);
    const right = Float64Array.from({ length: r * n }, rand);
    const a = new Float32Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let k = 0; k < r; k++) {
        const x = left[i * r + k] as number;
        for (let j = 0; j < n; j++)
          a[i * n + j] = (a[i * n + j] as number) + x * (right[k * n + j] as number);
      }
    }
    const s = singularValues(a, m, n);
    const energy = a.reduce((t, x) => t + x * x, 0);
    expect(s.reduce((t, x) => t + x * x, 0)).toBeCloseTo(energy, 0);
    expect(s[r - 1]).toBeGreaterThan(1);
    expect(s[r]).toBeLessThan(1e-2);
    expect(effectiveRank(s)).toBeLessThanOrEqual(r);
  });
});
