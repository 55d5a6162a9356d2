import { describe, expect, it } from 'vitest';
import { Rng } from '../random/index.ts';
import { agreementTable, icc21, quadraticKappa, quadraticKappaWithCi } from './agreement.ts';
import { fCdf, fQuantile } from './stats.ts';

/** Textbook category-matrix form of quadratic-weighted κ, as an independent reference. */
function matrixKappa(a: number[], b: number[]): number {
  const cats = [...new Set([...a, ...b])].sort((x, y) => x - y);
  const k = cats.length;
  const idx = new Map(cats.map((c, i) => [c, i]));
  const o = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const ra = new Array<number>(k).fill(0);
  const rb = new Array<number>(k).fill(0);
  a.forEach((x, t) => {
    const i = idx.get(x) as number;
    const j = idx.get(b[t] as number) as number;
    (o[i] as number[])[j] = ((o[i] as number[])[j] as number) + 1;
    ra[i] = (ra[i] as number) + 1;
    rb[j] = (rb[j] as number) + 1;
  });
  let num = 0;
  let den = 0;
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      const w = ((cats[i] as number) - (cats[j] as number)) ** 2;
      num += w * ((o[i] as number[])[j] as number);
      den += (w * (ra[i] as number) * (rb[j] as number)) / a.length;
    }
  return 1 - num / den;
}

describe('quadratic-weighted kappa', () => {
  it("matches the published two-category example (Wikipedia, Cohen's kappa: 20/5/10/15 → 0.4)", () => {
    // With two categories quadratic weights equal the unweighted ones.
    const a = [...Array(20).fill(1), ...Array(5).fill(1), ...Array(10).fill(0), ...Array(15).fill(0)];
    const b = [...Array(20).fill(1), ...Array(5).fill(0), ...Array(10).fill(1), ...Array(15).fill(0)];
    expect(quadraticKappa(a, b)).toBeCloseTo(0.4, 12);
  });

  it('matches a hand-computed three-category case (7/11)', () => {
    // observed mean squared difference 2/4 = 0.5; expected Σᵢⱼ(aᵢ−bⱼ)²/16 = 22/16; κ = 1 − 0.5/1.375
    expect(quadraticKappa([0, 1, 2, 2], [0, 2, 2, 1])).toBeCloseTo(7 / 11, 12);
  });

  it('equals the category-matrix form on random scores', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 50; trial++) {
      const n = 5 + rng.int(40);
      const a = Array.from({ length: n }, () => rng.int(7));
      const b = a.map((x) => Math.max(0, Math.min(6, x + rng.int(3) - 1)));
      const k = quadraticKappa(a, b);
      if (k === null) continue;
      expect(k).toBeCloseTo(matrixKappa(a, b), 10);
    }
  });

  it('is 1 for identical scores, null when undefined, and its interval contains it', () => {
    expect(quadraticKappa([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(quadraticKappa([2, 2], [2, 2])).toBeNull();
    expect(quadraticKappa([], [])).toBeNull();
    const rng = new Rng(3);
    const a = Array.from({ length: 60 }, () => rng.int(7));
    const b = a.map((x) => Math.max(0, Math.min(6, x + rng.int(5) - 2)));
    const r = quadraticKappaWithCi(a, b, { seed: 5 });
    expect(r.ci).not.toBeNull();
    expect(r.ci?.lower).toBeLessThan(r.kappa as number);
    expect(r.ci?.upper).toBeGreaterThan(r.kappa as number);
    expect(quadraticKappaWithCi(a, b, { seed: 5 })).toEqual(r);
  });
});

describe('ICC(2,1)', () => {
  // Shrout & Fleiss (1979), Table 2: six targets, four judges. Published: ICC(2,1) = 0.29;
  // psych::ICC reports the 95% interval 0.019 .. 0.76 (F = 11.03 on 5 and 15 df).
  const SF = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
  ];
  it('matches Shrout & Fleiss (1979) and its published interval', () => {
    const r = icc21(SF);
    expect(r.icc).toBeCloseTo(0.2898, 3);
    expect(r.msr / r.mse).toBeCloseTo(11.03, 1);
    expect(r.ci?.lower).toBeCloseTo(0.019, 2);
    expect(r.ci?.upper).toBeCloseTo(0.76, 2);
  });

  it('matches a hand-computed two-rater case', () => {
    // rows 1,2 / 3,4 / 5,6: MSR = 8, MSC = 1.5, MSE = 0 → ICC = 8 / (8 + 2·1.5/3) = 8/9
    const r = icc21([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(r.icc).toBeCloseTo(8 / 9, 12);
    expect(r.msr).toBeCloseTo(8, 12);
    expect(r.msc).toBeCloseTo(1.5, 12);
  });

  it('F distribution: quantile inverts the CDF; known value F(0.975; 5, 15) = 3.576', () => {
    expect(fQuantile(0.975, 5, 15)).toBeCloseTo(3.576, 2);
    for (const [p, d1, d2] of [
      [0.9, 3, 7.5],
      [0.5, 1, 1],
      [0.99, 20, 4],
    ] as const)
      expect(fCdf(fQuantile(p, d1, d2), d1, d2)).toBeCloseTo(p, 8);
  });
});

describe('agreement table', () => {
  it('pairs each reviewer with the target and with each other reviewer, overall and per item', () => {
    const scores = [];
    for (let t = 0; t < 6; t++) {
      const item = t < 3 ? 'sleep' : 'mood';
      scores.push({ textId: `t${t}`, item, rater: 'target', score: t % 4 });
      scores.push({ textId: `t${t}`, item, rater: 'ana', score: t % 4 });
      if (t % 2 === 0) scores.push({ textId: `t${t}`, item, rater: 'ben', score: (t % 4) + 1 });
    }
    const rows = agreementTable(scores);
    const overall = rows.filter((r) => r.item === null);
    expect(overall.map((r) => `${r.kind}:${r.a}/${r.b}:${r.n}`)).toEqual([
      'target:target/ana:6',
      'target:target/ben:3',
      'reviewers:ana/ben:3',
    ]);
    expect(overall[0]?.kappa.kappa).toBe(1);
    // ben is always one above: κ < 1, ICC (absolute agreement) < 1
    expect(overall[1]?.kappa.kappa).toBeLessThan(1);
    expect(overall[1]?.icc.icc).toBeLessThan(1);
    expect(rows.filter((r) => r.item === 'sleep').map((r) => r.n)).toEqual([3, 2, 2]);
  });
});
