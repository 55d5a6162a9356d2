import { describe, expect, it } from 'vitest';
import { sparsify } from './sparsify.ts';

describe('sparsify', () => {
  it('trims by magnitude and rescales to the original L1 norm (hand-computed)', () => {
    const v = Float32Array.from([4, -1, 2, 0.5]);
    sparsify(v, { method: 'magnitude', density: 0.5, rescaleL1: false });
    expect([...v]).toEqual([4, 0, 2, 0]);
    const r = Float32Array.from([4, -1, 2, 0.5]);
    sparsify(r, { method: 'magnitude', density: 0.5, rescaleL1: true });
    expect([...r]).toEqual([5, 0, 2.5, 0]); // ×7.5/6
  });

  it('leaves the tensor as is at density 1 and keeps one entry when ⌊density·n⌋ = 0', () => {
    const v = Float32Array.from([1, -2]);
    sparsify(v, { method: 'magnitude', density: 1, rescaleL1: true });
    expect([...v]).toEqual([1, -2]);
    const one = Float32Array.from([0.3]);
    sparsify(one, { method: 'magnitude', density: 0.5, rescaleL1: false });
    expect([...one]).toEqual([Math.fround(0.3)]);
    const three = Float32Array.from([0.1, -0.4, 0.2]);
    sparsify(three, { method: 'magnitude', density: 0.3, rescaleL1: false });
    expect([...three]).toEqual([0, Math.fround(-0.4), 0]);
    expect(() => sparsify(v, { method: 'random', density: 0, rescaleL1: false })).toThrow(
      /density must be > 0/,
    );
  });

  it('DARE keeps the largest entry when its draw would drop the whole tensor', () => {
    // Over many seeds a one-entry delta at density 0.1 would be lost ~90% of the time.
    for (let seed = 0; seed < 50; seed++) {
      const one = Float32Array.from([-0.25]);
      sparsify(one, { method: 'random', density: 0.1, rescaleL1: true, seed });
      expect(one[0], `seed ${seed}`).toBe(-0.25);
    }
    const zeros = new Float32Array(3);
    sparsify(zeros, { method: 'random', density: 0.1, rescaleL1: false, seed: 1 });
    expect([...zeros]).toEqual([0, 0, 0]);
  });

  it('DARE drops reproducibly from a seed', () => {
    const make = () => Float32Array.from({ length: 64 }, (_, i) => i + 1);
    const a = make();
    const b = make();
    const c = make();
    sparsify(a, { method: 'random', density: 0.5, rescaleL1: true, seed: 11 });
    sparsify(b, { method: 'random', density: 0.5, rescaleL1: true, seed: 11 });
    sparsify(c, { method: 'random', density: 0.5, rescaleL1: true, seed: 12 });
    expect([...a]).toEqual([...b]);
    expect([...a]).not.toEqual([...c]);
  });

  it('DARE keeps the L1 norm exactly and the expected value on average', () => {
    const delta = Float32Array.from({ length: 200 }, (_, i) => Math.sin(i + 1));
    const l1 = delta.reduce((s, x) => s + Math.abs(x), 0);
    const mean = new Float64Array(delta.length);
    const seeds = 2000;
    let kept = 0;
    for (let seed = 0; seed < seeds; seed++) {
      const v = Float32Array.from(delta);
      sparsify(v, { method: 'random', density: 0.3, rescaleL1: true, seed });
      expect(v.reduce((s, x) => s + Math.abs(x), 0)).toBeCloseTo(l1, 3);
      for (let i = 0; i < v.length; i++) {
        mean[i] = (mean[i] as number) + (v[i] as number) / seeds;
        if (v[i] !== 0) kept++;
      }
    }
    expect(kept / (seeds * delta.length)).toBeCloseTo(0.3, 2);
    // E[mask·Δ·‖Δ‖₁/‖mask·Δ‖₁] ≈ Δ: each entry's mean over 2000 seeds within a few standard errors.
    for (let i = 0; i < delta.length; i++)
      expect(Math.abs((mean[i] as number) - (delta[i] as number))).toBeLessThan(0.1);
    const meanAbsError = delta.reduce((s, x, i) => s + Math.abs((mean[i] as number) - x), 0) / delta.length;
    expect(meanAbsError).toBeLessThan(0.03);
  });
});
