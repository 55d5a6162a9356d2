import { describe, expect, it } from 'vitest';
import { conflictRates, signConflictCounts, tiesInterference } from './atlas.ts';
import { linearCka } from './cka.ts';
import { energyInSubspace, jacobiEigen, topSingularSubspace } from './subspace.ts';

const f32 = (xs: number[]) => Float32Array.from(xs);

describe('sign conflicts', () => {
  it('counts disagreeing signs among entries changed in two or more vectors', () => {
    const counts = signConflictCounts([f32([1, -1, 0, 2]), f32([1, 1, 3, -2])], 0.5);
    expect(counts).toMatchObject({ considered: 3, conflicting: 2 });
    const { rate, pairs } = conflictRates(counts, 2);
    expect(rate).toBeCloseTo(2 / 3, 12);
    expect(pairs).toEqual([
      [0, 2 / 3],
      [2 / 3, 0],
    ]);
  });

  it('with three vectors, counts an entry once and keeps pairwise rates apart', () => {
    // entry 0: all +; 1: a+, b−, c unchanged; 2: a unchanged, b+, c+; 3: a−, b unchanged, c+; 4: only a.
    const a = f32([1, 1, 0, -1, 5]);
    const b = f32([1, -1, 1, 0, 0]);
    const c = f32([1, 0, 1, 1, 0]);
    const counts = signConflictCounts([a, b, c], 0.1);
    expect(counts.considered).toBe(4);
    expect(counts.conflicting).toBe(2);
    const { pairs } = conflictRates(counts, 3);
    expect(pairs[0]?.[1]).toBeCloseTo(1 / 2); // both changed at 0, 1: 1 opposite
    expect(pairs[1]?.[2]).toBe(0); // both at 0, 2: agree
    expect(pairs[2]?.[0]).toBeCloseTo(1 / 2); // both at 0, 3: 1 opposite
  });

  it('is 0 when nothing changed in two vectors', () => {
    expect(conflictRates(signConflictCounts([f32([1, 0]), f32([0, 1])], 0.5), 2).rate).toBe(0);
  });
});

describe('TIES interference', () => {
  it('at density 1 nothing is trimmed and the outvoted entries are overruled', () => {
    const r = tiesInterference([f32([2, 1, -3, 0.5]), f32([-1, 1, 1, 0.25])], 1);
    expect(Array.from(r.trimmed)).toEqual([0, 0]);
    expect(Array.from(r.overruled)).toEqual([0, 2]);
    expect(Array.from(r.total)).toEqual([4 + 1 + 9 + 0.25, 1 + 1 + 1 + 0.0625]);
  });

  it('at density 0.5 trims the smaller half first, then elects signs among what is left', () => {
    const a = f32([2, 1, -3, 0.5]);
    const b = f32([-1, 1, 1, 0.25]);
    const r = tiesInterference([a, b], 0.5);
    // a keeps 2 and −3 (trims 1 and 0.5); b keeps −1, +1 (ties kept lowest index first; trims 1, 0.25).
    expect(Array.from(r.trimmed)).toEqual([1 + 0.25, 1 + 0.0625]);
    // votes: entry 0: 2 − 1 > 0 → b's −1 overruled; entry 1: +1 alone; entry 2: −3 alone.
    expect(Array.from(r.overruled)).toEqual([0, 1]);
    // The inputs are left as they were (the merge works on copies).
    expect(Array.from(a)).toEqual([2, 1, -3, 0.5]);
  });

  it('identical vectors never overrule each other; opposite ones lose exactly their negative half', () => {
    const a = Float32Array.from({ length: 100 }, (_, i) => Math.sin(i * 1.3) * (1 + (i % 5)));
    const same = tiesInterference([a, Float32Array.from(a)], 0.3);
    expect(Array.from(same.overruled)).toEqual([0, 0]);
    // 30 of 100 entries kept, the 70 smallest trimmed: the same energy for both.
    expect(same.trimmed[0]).toBeCloseTo(same.trimmed[1] as number, 12);
    expect(same.trimmed[0]).toBeLessThan((same.total[0] as number) * 0.7);
    // b = −a: every vote is 0, which elects +, so each loses its negative entries to the other.
    const b = a.map((x) => -x);
    const opposite = tiesInterference([a, b], 1);
    expect((opposite.overruled[0] as number) + (opposite.overruled[1] as number)).toBeCloseTo(
      opposite.total[0] as number,
      9,
    );
    let negative = 0;
    for (const x of a) if (x < 0) negative += x * x;
    expect(opposite.overruled[0]).toBeCloseTo(negative, 9);
  });
});

/** An m×n matrix Σ σ_j u_j v_jᵀ with u_j, v_j the first columns of fixed rotations. */
function lowRank(m: number, n: number, sigma: number[]) {
  const basis = (size: number, seed: number) => {
    const raw = Float64Array.from(
      { length: size * size },
      (_, i) => Math.sin(seed + i * 0.37) + Math.cos(i * i * 0.01),
    );
    const { vectors } = jacobiEigen(symmetrize(raw, size), size); // orthonormal columns
    return vectors;
  };
  const u = basis(m, 1);
  const v = basis(n, 2);
  const w = new Float64Array(m * n);
  sigma.forEach((s, j) => {
    for (let r = 0; r < m; r++)
      for (let c = 0; c < n; c++)
        w[r * n + c] = (w[r * n + c] as number) + s * (u[r * m + j] as number) * (v[c * n + j] as number);
  });
  return { w, u, v };
}

function symmetrize(a: Float64Array, n: number) {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) out[i * n + j] = (a[i * n + j] as number) + (a[j * n + i] as number);
  return out;
}

describe('energy in the base top-k singular subspace', () => {
  const m = 12;
  const n = 9;
  const { w, u, v } = lowRank(m, n, [9, 5, 3, 1, 0.5, 0.2]);
  const outer = (i: number, j: number, s = 1) =>
    Float64Array.from(
      { length: m * n },
      (_, e) => s * (u[Math.floor(e / n) * m + i] as number) * (v[(e % n) * n + j] as number),
    );
  const add = (a: Float64Array, b: Float64Array) => a.map((x, i) => x + (b[i] as number));
  const energy = (a: Float64Array) => a.reduce((s, x) => s + x * x, 0);

  it('finds the singular values and is 1 for a Δ made of top directions, 0 for new ones', () => {
    const top = topSingularSubspace(w, m, n, 2);
    expect(Array.from(top.sigma).map((s) => Number(s.toFixed(8)))).toEqual([9, 5]);
    const amplified = add(outer(0, 0, 2), outer(1, 0, -1)); // u₁v₁ᵀ and u₂v₁ᵀ: both in span
    expect(energyInSubspace(amplified, m, n, top) / energy(amplified)).toBeCloseTo(1, 10);
    const fresh = add(outer(4, 3), outer(0, 5)); // u₅v₄ᵀ, u₁v₆ᵀ: v₆ is outside the right subspace
    expect(energyInSubspace(fresh, m, n, top) / energy(fresh)).toBeCloseTo(0, 10);
  });

  it('splits a mixed Δ by its energies (3² inside, 4² outside → 9/25)', () => {
    const top = topSingularSubspace(w, m, n, 3);
    const mixed = add(outer(2, 1, 3), outer(3, 3, 4));
    expect(energyInSubspace(mixed, m, n, top) / energy(mixed)).toBeCloseTo(9 / 25, 10);
  });

  it('converges when the rank exceeds the sketch (k 3 + 8 oversampling of a rank-20 matrix)', () => {
    const big = lowRank(30, 20, [10, 8, 6, ...Array.from({ length: 17 }, (_, i) => 1 - i * 0.05)]);
    const top = topSingularSubspace(big.w, 30, 20, 3);
    expect(Array.from(top.sigma).map((s) => Number(s.toFixed(6)))).toEqual([10, 8, 6]);
    const inside = Float64Array.from(
      { length: 600 },
      (_, e) => (big.u[Math.floor(e / 20) * 30 + 2] as number) * (big.v[(e % 20) * 20 + 1] as number),
    );
    expect(energyInSubspace(inside, 30, 20, top)).toBeCloseTo(1, 8);
  });

  it('stops at the numerical rank', () => {
    const { w: rank2 } = lowRank(m, n, [4, 2]);
    expect(topSingularSubspace(rank2, m, n, 5).k).toBe(2);
  });
});

describe('linear CKA', () => {
  const n = 10;
  const x = Float64Array.from({ length: n * 4 }, (_, i) => Math.sin(i * 1.7) + (i % 3));
  it('is 1 for X against itself and against an orthogonal transform and scaling of X', () => {
    expect(linearCka(x, x, n, 4, 4)).toBeCloseTo(1, 12);
    const { vectors: q } = jacobiEigen(
      symmetrize(
        Float64Array.from({ length: 16 }, (_, i) => Math.cos(i)),
        4,
      ),
      4,
    );
    const y = new Float64Array(n * 4);
    for (let r = 0; r < n; r++)
      for (let c = 0; c < 4; c++) {
        let s = 0;
        for (let k = 0; k < 4; k++) s += (x[r * 4 + k] as number) * (q[k * 4 + c] as number);
        y[r * 4 + c] = 3.5 * s + 7; // rotate, scale, shift (centering removes the shift)
      }
    expect(linearCka(x, y, n, 4, 4)).toBeCloseTo(1, 10);
  });

  it('matches a hand-computed case, in both the feature and the example form', () => {
    // X = [[1],[2],[3]] → centered [−1, 0, 1]; Y = [[1,0],[0,1],[0,0]] → centered
    // [[2/3,−1/3],[−1/3,2/3],[−1/3,−1/3]]. YᵀX = [−1, 0]: ‖·‖² = 1; XᵀX = 2; YᵀY = [[2/3,−1/3],[−1/3,2/3]],
    // ‖·‖ = √(10/9). CKA = 1 / (2·√(10/9)) = 3 / (2√10).
    const expected = 3 / (2 * Math.sqrt(10));
    expect(linearCka([1, 2, 3], [1, 0, 0, 1, 0, 0], 3, 1, 2)).toBeCloseTo(expected, 12);
    // 2 examples < 3 features: the n×n form; compare with the feature form on padded copies.
    const a = [1, 2, 0, 3, 1, 1];
    const b = [0, 1, 1, 2, 5, 1];
    const both = linearCka(a, b, 2, 3, 3);
    expect(both).toBeCloseTo(1, 12); // two centered examples are ±one vector: always aligned
    const wide = Float64Array.from({ length: 4 * 6 }, (_, i) => Math.sin(i * 0.9));
    const tall = Float64Array.from({ length: 4 * 2 }, (_, i) => Math.cos(i * 1.1));
    // n = 4 < p = 6 uses the n×n form; swapping arguments must give the same value (symmetry).
    expect(linearCka(wide, tall, 4, 6, 2)).toBeCloseTo(linearCka(tall, wide, 4, 2, 6), 12);
  });

  it('is far below 1 for unrelated representations and NaN for a constant one', () => {
    const noise = Float64Array.from({ length: 200 * 3 }, (_, i) => Math.sin(i * i * 0.123));
    const other = Float64Array.from({ length: 200 * 3 }, (_, i) => Math.cos(i * 2.71 + i * i * 0.077));
    expect(linearCka(noise, other, 200, 3, 3)).toBeLessThan(0.1);
    expect(linearCka(noise, new Float64Array(600).fill(2), 200, 3, 3)).toBeNaN();
  });
});
