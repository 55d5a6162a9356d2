// Agreement between two sets of scores on the same texts: quadratic-weighted Cohen's κ (with a
// seeded percentile-bootstrap interval) and ICC(2,1) — two-way random effects, absolute agreement,
// single rater (Shrout & Fleiss 1979; interval of McGraw & Wong 1996, case 2A). Pure functions:
// the review page passes reviewer-vs-target and reviewer-vs-reviewer pairs, overall and per item.
import { Rng } from '../random/index.ts';
import { fQuantile } from './stats.ts';

export interface TInterval {
  lower: number;
  upper: number;
}

export interface TKappa {
  kappa: number | null;
  ci: TInterval | null;
  n: number;
}

/**
 * Quadratic-weighted κ of paired scores. With quadratic weights w = (x − y)² the κ reduces to
 * 1 − mean((aᵢ − bᵢ)²) / mean over all i, j of (aᵢ − bⱼ)², the second mean being the disagreement
 * expected from the two raters' marginals; the weight normalisation cancels, so the scale's range is
 * not needed and it equals the category-matrix form when the categories are the scores given.
 * Null when undefined (no pairs, or both raters gave one constant score).
 */
export function quadraticKappa(a: readonly number[], b: readonly number[]): number | null {
  if (a.length !== b.length) throw new Error(`paired scores differ in length (${a.length} vs ${b.length})`);
  const n = a.length;
  if (n === 0) return null;
  let observed = 0;
  let sa = 0;
  let sb = 0;
  let sa2 = 0;
  let sb2 = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    observed += (x - y) ** 2;
    sa += x;
    sb += y;
    sa2 += x * x;
    sb2 += y * y;
  }
  // Σᵢ Σⱼ (aᵢ − bⱼ)² = n Σa² + n Σb² − 2 Σa Σb
  const expected = (n * sa2 + n * sb2 - 2 * sa * sb) / (n * n);
  observed /= n;
  if (expected <= 1e-12) return null;
  return 1 - observed / expected;
}

/** κ with a 95% (or `level`) percentile-bootstrap interval over texts; seeded, so repeatable. */
export function quadraticKappaWithCi(
  a: readonly number[],
  b: readonly number[],
  { resamples = 1000, seed = 1, level = 0.95 } = {},
): TKappa {
  const kappa = quadraticKappa(a, b);
  const n = a.length;
  if (kappa === null || n < 3) return { kappa, ci: null, n };
  const rng = new Rng(seed);
  const draws: number[] = [];
  const xa = new Array<number>(n);
  const xb = new Array<number>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const j = rng.int(n);
      xa[i] = a[j] as number;
      xb[i] = b[j] as number;
    }
    const k = quadraticKappa(xa, xb);
    if (k !== null) draws.push(k);
  }
  if (draws.length < resamples / 2) return { kappa, ci: null, n };
  draws.sort((x, y) => x - y);
  const at = (q: number) =>
    draws[Math.min(draws.length - 1, Math.max(0, Math.floor(q * draws.length)))] as number;
  const alpha = (1 - level) / 2;
  return { kappa, ci: { lower: at(alpha), upper: at(1 - alpha) }, n };
}

export interface TIcc {
  icc: number | null;
  ci: TInterval | null;
  /** Targets (texts) and raters in the table. */
  n: number;
  k: number;
  msr: number;
  msc: number;
  mse: number;
}

/**
 * ICC(2,1) of a complete table: `table[i][j]` is rater j's score of target i (every row the same
 * length ≥ 2). Interval: McGraw & Wong (1996) case 2A, with Satterthwaite's degrees of freedom.
 */
export function icc21(table: readonly (readonly number[])[], level = 0.95): TIcc {
  const n = table.length;
  const k = table[0]?.length ?? 0;
  const empty = { icc: null, ci: null, n, k, msr: 0, msc: 0, mse: 0 };
  if (n < 2 || k < 2) return empty;
  for (const [i, row] of table.entries())
    if (row.length !== k) throw new Error(`ICC table row ${i} has ${row.length} scores, expected ${k}`);
  let grand = 0;
  const rowMeans = table.map((row) => row.reduce((s, v) => s + v, 0) / k);
  const colMeans = Array.from(
    { length: k },
    (_, j) => table.reduce((s, row) => s + (row[j] as number), 0) / n,
  );
  for (const m of rowMeans) grand += m;
  grand /= n;
  let ssr = 0;
  let ssc = 0;
  let sst = 0;
  for (const m of rowMeans) ssr += k * (m - grand) ** 2;
  for (const m of colMeans) ssc += n * (m - grand) ** 2;
  for (const row of table) for (const v of row) sst += (v - grand) ** 2;
  const sse = sst - ssr - ssc;
  const msr = ssr / (n - 1);
  const msc = ssc / (k - 1);
  const mse = sse / ((n - 1) * (k - 1));
  const denominator = msr + (k - 1) * mse + (k * (msc - mse)) / n;
  if (denominator <= 1e-12) return { ...empty, msr, msc, mse };
  const icc = (msr - mse) / denominator;
  let ci: TInterval | null = null;
  if (mse > 1e-12 && icc < 1) {
    const a = (k * icc) / (n * (1 - icc));
    const b = 1 + (k * icc * (n - 1)) / (n * (1 - icc));
    const v = (a * msc + b * mse) ** 2 / ((a * msc) ** 2 / (k - 1) + (b * mse) ** 2 / ((n - 1) * (k - 1)));
    const q = 1 - (1 - level) / 2;
    const fLow = fQuantile(q, n - 1, v);
    const fHigh = fQuantile(q, v, n - 1);
    const lower = (n * (msr - fLow * mse)) / (fLow * (k * msc + (k * n - k - n) * mse) + n * msr);
    const upper = (n * (fHigh * msr - mse)) / (k * msc + (k * n - k - n) * mse + n * fHigh * msr);
    ci = { lower, upper };
  }
  return { icc, ci, n, k, msr, msc, mse };
}

/** One score a rater gave one text (the target score is rater "target"). */
export interface TScore {
  textId: string;
  item: string | null;
  rater: string;
  score: number;
}

export interface TAgreementRow {
  /** "reviewer vs target" or "reviewer vs reviewer". */
  kind: 'target' | 'reviewers';
  a: string;
  b: string;
  item: string | null;
  n: number;
  kappa: TKappa;
  icc: TIcc;
}

export const TARGET_RATER = 'target';

/**
 * Agreement of every pair of raters (each reviewer against the target, and each pair of reviewers)
 * over the texts both scored, overall (item null) and per item. Pairs with fewer than two shared
 * texts are left out.
 */
export function agreementTable(scores: readonly TScore[], { seed = 1 } = {}): TAgreementRow[] {
  const byRater = new Map<string, Map<string, TScore>>();
  for (const s of scores) {
    let m = byRater.get(s.rater);
    if (!m) {
      m = new Map();
      byRater.set(s.rater, m);
    }
    m.set(s.textId, s);
  }
  const raters = [...byRater.keys()].sort((x, y) =>
    x === TARGET_RATER ? -1 : y === TARGET_RATER ? 1 : x.localeCompare(y),
  );
  const items = [...new Set(scores.map((s) => s.item).filter((i): i is string => i !== null))].sort();
  const rows: TAgreementRow[] = [];
  for (let i = 0; i < raters.length; i++) {
    for (let j = i + 1; j < raters.length; j++) {
      const ra = raters[i] as string;
      const rb = raters[j] as string;
      const ma = byRater.get(ra) as Map<string, TScore>;
      const mb = byRater.get(rb) as Map<string, TScore>;
      const shared = [...ma.values()].filter((s) => mb.has(s.textId));
      for (const item of [null, ...(items.length > 1 ? items : [])]) {
        const pairs = shared.filter((s) => item === null || s.item === item);
        if (pairs.length < 2) continue;
        const xa = pairs.map((s) => s.score);
        const xb = pairs.map((s) => (mb.get(s.textId) as TScore).score);
        rows.push({
          kind: ra === TARGET_RATER ? 'target' : 'reviewers',
          a: ra,
          b: rb,
          item,
          n: pairs.length,
          kappa: quadraticKappaWithCi(xa, xb, { seed }),
          icc: icc21(xa.map((x, t) => [x, xb[t] as number])),
        });
      }
    }
  }
  return rows;
}
