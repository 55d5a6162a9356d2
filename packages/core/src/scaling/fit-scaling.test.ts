import { describe, expect, it } from 'vitest';
import { Rng } from '../random/index.ts';
import { fitScaling, predictScaling, ScalingError, type ScalingPoint } from './fit-scaling.ts';
import { fitPowerLaw } from './power-law.ts';

const SIZES = [50, 100, 200, 400, 800];

/** Points from err(n) = a·n^(−b) + c plus N(0, noise²) per seed, drawn from a seeded stream. */
function synthetic(
  law: { a: number; b: number; c: number },
  opts: { seeds?: number; noise?: number; sizes?: number[]; rngSeed?: number; higherIsBetter?: boolean } = {},
): ScalingPoint[] {
  const rng = new Rng(opts.rngSeed ?? 7);
  const out: ScalingPoint[] = [];
  for (const n of opts.sizes ?? SIZES) {
    for (let seed = 0; seed < (opts.seeds ?? 3); seed++) {
      const err = law.a * n ** -law.b + law.c + (opts.noise ?? 0) * rng.normal();
      out.push({ n, value: opts.higherIsBetter ? 1 - err : err, seed });
    }
  }
  return out;
}

describe('fitPowerLaw', () => {
  it('recovers a, b, c exactly from noise-free points (the doc example)', () => {
    const fit = fitPowerLaw([100, 400, 1600, 6400], [0.6, 0.35, 0.225, 0.1625], [1, 1, 1, 1]);
    expect(fit.a).toBeCloseTo(5, 4);
    expect(fit.b).toBeCloseTo(0.5, 5);
    expect(fit.c).toBeCloseTo(0.1, 6);
    expect(fit.sse).toBeLessThan(1e-12);
  });

  it('keeps the floor at 0 for errors when the unconstrained fit would go negative', () => {
    // pure power law with no floor, plus a small downward tail that would pull c below 0
    const ns = [10, 20, 40, 80, 160];
    const ys = ns.map((n) => 2 * n ** -0.3 - (n === 160 ? 0.05 : 0));
    const fit = fitPowerLaw(ns, ys, [1, 1, 1, 1, 1]);
    expect(fit.c).toBeGreaterThanOrEqual(0);
    expect(fit.a).toBeGreaterThan(0);
  });
});

describe('fitScaling', () => {
  it('recovers known a, b, c from noisy seeds and covers them with its bands', () => {
    const law = { a: 3, b: 0.5, c: 0.2 };
    const fit = fitScaling(synthetic(law, { noise: 0.005 }));
    expect(fit.b).toBeGreaterThan(0.35);
    expect(fit.b).toBeLessThan(0.7);
    expect(fit.c).toBeGreaterThan(0.15);
    expect(fit.c).toBeLessThan(0.25);
    expect(fit.band.method).toBe('seeds');
    expect(fit.band.b[0]).toBeLessThanOrEqual(law.b);
    expect(fit.band.b[1]).toBeGreaterThanOrEqual(law.b);
    for (const n of SIZES) {
      const truth = law.a * n ** -law.b + law.c;
      const at = fit.band.curve.find((p) => p.n === n);
      expect(at?.lo).toBeLessThanOrEqual(truth + 0.005);
      expect(at?.hi).toBeGreaterThanOrEqual(truth - 0.005);
    }
    expect(fit.heldout?.n).toBe(800);
    expect(fit.heldout?.passed).toBe(true);
    expect(fit.monotone.ok).toBe(true);
    expect(fit.verdict).toBe('ok');
  });

  it('answers how many examples reach a target, with an interval around the truth', () => {
    const law = { a: 3, b: 0.5, c: 0.2 };
    // truth: 3 / √n + 0.2 = 0.28 → n = (3 / 0.08)² = 1406.25 → 1407
    const fit = fitScaling(synthetic(law, { noise: 0.003 }), { target: 0.28 });
    expect(fit.verdict).toBe('ok');
    expect(fit.nNeeded).toBeGreaterThan(1000);
    expect(fit.nNeeded).toBeLessThan(2000);
    const [lo, hi] = fit.nNeededInterval ?? [0, 0];
    expect(lo).toBeLessThanOrEqual(fit.nNeeded as number);
    expect(hi).toBeGreaterThanOrEqual(fit.nNeeded as number);
    expect(predictScaling(fit, fit.nNeeded as number)).toBeLessThanOrEqual(0.28 + 1e-9);
  });

  it('fits 1 − value for a higher-is-better metric and answers on the metric scale', () => {
    const law = { a: 2, b: 0.4, c: 0.1 }; // accuracy → 0.9 at most
    const fit = fitScaling(synthetic(law, { noise: 0.004, higherIsBetter: true }), {
      higherIsBetter: true,
      target: 0.8,
    });
    expect(fit.floor).toBeGreaterThan(0.85);
    expect(fit.floor).toBeLessThanOrEqual(1);
    expect(fit.sizes[0]?.mean).toBeLessThan(fit.sizes[4]?.mean as number);
    expect(fit.nNeeded).not.toBeNull();
    expect(predictScaling(fit, fit.nNeeded as number)).toBeGreaterThanOrEqual(0.8 - 1e-9);
  });

  it('says unreachable for a target beyond the floor', () => {
    const fit = fitScaling(synthetic({ a: 3, b: 0.5, c: 0.2 }, { noise: 0.003 }), { target: 0.1 });
    expect(fit.verdict).toBe('unreachable');
    expect(fit.nNeeded).toBeNull();
    expect(fit.reason).toMatch(/floor/);
  });

  it('says too_far when the answer is more than 4× the largest size', () => {
    // truth: 3 / √n + 0.2 = 0.23 → n = 10 000, 12.5× the largest size 800
    const fit = fitScaling(synthetic({ a: 3, b: 0.5, c: 0.2 }, { noise: 0.001 }), { target: 0.23 });
    expect(fit.verdict).toBe('too_far');
    expect(fit.nNeeded).toBeGreaterThan(4 * 800);
    expect(fit.reason).toMatch(/4×/);
  });

  it('calls a flat curve flat: the floor is the level, any better target is unreachable', () => {
    const flat = synthetic({ a: 0, b: 0.5, c: 0.45 }, { noise: 0.01 });
    const fit = fitScaling(flat, { target: 0.4 });
    expect(fit.floor).toBeGreaterThan(0.4);
    expect(fit.floor).toBeLessThan(0.5);
    expect(fit.verdict).toBe('unreachable');
    const worse = fitScaling(flat, { target: 0.6 });
    expect(worse.nNeeded).toBeLessThanOrEqual(50);
  });

  it('says too_far when the measured error rises with n beyond its noise', () => {
    const pts = synthetic({ a: 3, b: 0.5, c: 0.2 }, { noise: 0.002 }).map((p) =>
      p.n === 400 ? { ...p, value: p.value + 0.1 } : p,
    );
    const fit = fitScaling(pts, { target: 0.3 });
    expect(['too_far', 'poor_fit']).toContain(fit.verdict);
    expect(fit.monotone.ok).toBe(false);
    expect(fit.monotone.reason).toMatch(/n = \d+.*n = 400|n = 400.*n = 800/);
  });

  it('fails the held-out check when the largest size departs from the curve', () => {
    // a plateau that breaks at the largest size: fitted without it, the curve cannot predict it
    const pts = synthetic({ a: 3, b: 0.5, c: 0.2 }, { noise: 0.002 }).map((p) =>
      p.n === 800 ? { ...p, value: p.value - 0.08 } : p,
    );
    const fit = fitScaling(pts);
    expect(fit.heldout?.passed).toBe(false);
    expect(fit.heldout?.error).toBeGreaterThan(0.05);
    expect(['too_far', 'poor_fit']).toContain(fit.verdict);
  });

  it('flags a poor fit when the points zig-zag far beyond their noise', () => {
    const pts = SIZES.flatMap((n, i) =>
      [0, 1, 2].map((seed) => ({ n, seed, value: (i % 2 ? 0.3 : 0.5) + 0.001 * seed })),
    );
    expect(fitScaling(pts).verdict).toBe('poor_fit');
  });

  it('refuses fewer than 3 sizes with a message naming them', () => {
    const pts = [
      { n: 100, value: 0.5, seed: 0 },
      { n: 100, value: 0.52, seed: 1 },
      { n: 200, value: 0.4, seed: 0 },
    ];
    expect(() => fitScaling(pts)).toThrow(ScalingError);
    expect(() => fitScaling(pts)).toThrow(/at least 3 training sizes; got 2 \(n = 100, 200\)/);
  });

  it('refuses a higher-is-better value outside [0, 1], naming the point', () => {
    const pts = synthetic({ a: 1, b: 0.5, c: 0.1 }, { seeds: 1 });
    pts[2] = { n: 200, value: 1.7 };
    expect(() => fitScaling(pts, { higherIsBetter: true })).toThrow(/point 3 \(n = 200\): value 1.7/);
  });

  it('works from one seed with a residual bootstrap, and 3 sizes give no held-out check', () => {
    const pts = synthetic({ a: 3, b: 0.5, c: 0.2 }, { seeds: 1, noise: 0.002, sizes: [100, 400, 1600] });
    const fit = fitScaling(pts, { target: 0.26 });
    expect(fit.band.method).toBe('residuals');
    expect(fit.heldout).toBeNull();
    // truth n = (3 / 0.06)² = 2500 > 1600: beyond the largest size with no held-out check
    expect(fit.verdict).toBe('too_far');
    expect(fit.reason).toMatch(/held-out/);
  });

  it('gives the same fit and band for the same points in any order, with or without seed labels', () => {
    const pts = synthetic({ a: 3, b: 0.5, c: 0.2 }, { noise: 0.004 });
    const first = fitScaling(pts, { target: 0.3 });
    expect(fitScaling([...pts].reverse(), { target: 0.3 })).toEqual(first);
    // the page's CSV export carries no seed labels: `tunelab scaling` on it must agree
    expect(
      fitScaling(
        pts.map(({ n, value }) => ({ n, value })),
        { target: 0.3 },
      ),
    ).toEqual(first);
  });
});

describe('fitScaling against a baseline', () => {
  it('says poor_fit, not ok, for a sweep flat at its baseline, naming the baseline', () => {
    // MAE at the mean predictor's 1.9 at every size (seed noise only): the model learned nothing
    const flat = synthetic({ a: 0, b: 0.5, c: 1.9 }, { noise: 0.02 });
    expect(fitScaling(flat).verdict).not.toBe('poor_fit'); // without the baseline it looks fine
    const fit = fitScaling(flat, { baseline: 1.9 });
    expect(fit.verdict).toBe('poor_fit');
    expect(fit.baseline?.beaten).toBe(false);
    expect(fit.reason).toMatch(/does not beat the baseline 1\.9/);
    // a target the baseline already meets does not turn it into an answer
    expect(fitScaling(flat, { baseline: 1.9, target: 2.5 }).verdict).toBe('poor_fit');
  });

  it('says poor_fit for a curve worse than its baseline everywhere', () => {
    const worse = synthetic({ a: 3, b: 0.5, c: 0.5 }, { noise: 0.005 });
    const fit = fitScaling(worse, { baseline: 0.4 });
    expect(fit.verdict).toBe('poor_fit');
    expect(fit.baseline?.improvement).toBeLessThan(0);
    expect(fit.reason).toMatch(/no better than it/);
  });

  it('keeps the verdict of a curve that beats its baseline, on either metric direction', () => {
    const law = { a: 3, b: 0.5, c: 0.2 };
    const fit = fitScaling(synthetic(law, { noise: 0.003 }), { target: 0.28, baseline: 0.6 });
    expect(fit.baseline?.beaten).toBe(true);
    expect(fit.verdict).toBe('ok');
    // accuracy rising from 0.55 towards 0.9 against a majority class at 0.5
    const acc = fitScaling(synthetic({ a: 2, b: 0.4, c: 0.1 }, { noise: 0.004, higherIsBetter: true }), {
      higherIsBetter: true,
      baseline: 0.5,
    });
    expect(acc.baseline?.beaten).toBe(true);
    expect(acc.baseline?.n).toBe(800);
    // the same curve against a majority class at 0.95 beats it nowhere
    const high = fitScaling(synthetic({ a: 2, b: 0.4, c: 0.1 }, { noise: 0.004, higherIsBetter: true }), {
      higherIsBetter: true,
      baseline: 0.95,
    });
    expect(high.verdict).toBe('poor_fit');
  });

  it('needs more than seed noise: an improvement within 2 standard errors does not count', () => {
    // the largest size 0.05 below the baseline under seed noise 0.1 (3 seeds: SE ≈ 0.06)
    const spread = (d: number) =>
      SIZES.flatMap((n) => [-d, 0, d].map((e, seed) => ({ n, seed, value: 1.85 + e })));
    const flat = spread(0.1); // mean 1.85, std 0.1 per size: SE 0.058, margin 0.115
    const fit = fitScaling(flat, { baseline: 1.9 });
    expect(fit.baseline?.beaten).toBe(false);
    expect(fit.baseline?.margin).toBeGreaterThan(0.08);
    expect(fit.verdict).toBe('poor_fit');
    // the same improvement with 50× less noise counts (the margin's 1 % floor is 0.019)
    const quiet = spread(0.002);
    expect(fitScaling(quiet, { baseline: 1.9 }).baseline?.beaten).toBe(true);
  });

  it('refuses a non-finite baseline', () => {
    expect(() => fitScaling(synthetic({ a: 1, b: 0.5, c: 0.1 }), { baseline: Number.NaN })).toThrow(
      /baseline NaN/,
    );
  });
});
