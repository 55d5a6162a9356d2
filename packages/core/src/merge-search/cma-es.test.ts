import { describe, expect, it } from 'vitest';
import { SepCmaEs } from './cma-es.ts';

/** Runs the ES for `budget` evaluations of f (maximised); returns the best point and value. */
function optimise(
  f: (x: number[]) => number,
  options: ConstructorParameters<typeof SepCmaEs>[0],
  budget: number,
) {
  const es = new SepCmaEs(options);
  let best = { x: options.mean, f: -Infinity };
  for (let used = 0; used + es.populationSize <= budget; used += es.populationSize) {
    const xs = es.ask();
    const fs = xs.map(f);
    fs.forEach((v, i) => {
      if (v > best.f) best = { x: xs[i] as number[], f: v };
    });
    es.tell(fs);
  }
  return best;
}

describe('separable CMA-ES', () => {
  it('finds the optimum of a shifted, badly scaled quadratic', () => {
    const optimum = [0.3, -1.2, 2.5, 0.8, -0.4];
    const scales = [1, 10, 0.1, 3, 30];
    const f = (x: number[]) =>
      -x.reduce((a, v, i) => a + (scales[i] as number) * (v - (optimum[i] as number)) ** 2, 0);
    const best = optimise(f, { mean: [0, 0, 0, 0, 0], sigma: 1, seed: 7 }, 3000);
    for (const [i, v] of best.x.entries()) expect(Math.abs(v - (optimum[i] as number))).toBeLessThan(1e-3);
    expect(best.f).toBeGreaterThan(-1e-6);
  });

  it('finds an optimum on the edge of the box and keeps every sample inside it', () => {
    // Unconstrained optimum (3, -3) lies outside [0, 1]²: the best point in the box is (1, 0).
    const f = ([a = 0, b = 0]: number[]) => -((a - 3) ** 2 + (b + 3) ** 2);
    const best = optimise(f, { mean: [0.5, 0.5], sigma: 0.3, seed: 3, lower: 0, upper: 1 }, 400);
    expect(best.x[0]).toBeCloseTo(1, 6);
    expect(best.x[1]).toBeCloseTo(0, 6);
    const es = new SepCmaEs({ mean: [0.9, 0.9], sigma: 5, seed: 1, lower: 0, upper: 1 });
    for (const x of es.ask()) for (const v of x) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('is reproducible from its seed and differs across seeds', () => {
    const draw = (seed: number) => {
      const es = new SepCmaEs({ mean: [0, 0, 0], sigma: 0.3, seed });
      const first = es.ask();
      es.tell(first.map((x) => -x.reduce((a, v) => a + v * v, 0)));
      return [first, es.ask(), es.mean, es.sigma];
    };
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
  });

  it('refuses a tell of the wrong length', () => {
    const es = new SepCmaEs({ mean: [0, 0], sigma: 1, seed: 0, populationSize: 4 });
    es.ask();
    expect(() => es.tell([1, 2])).toThrow(/4 fitness values/);
  });
});
