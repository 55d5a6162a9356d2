import { Rng } from '../random/index.ts';
import { type BaselineCheck, checkBaseline } from './baseline.ts';
import { fitPowerLaw, type PowerLaw, powerLawValue } from './power-law.ts';

/**
 * One finished run of a data-scaling sweep: its training size and its metric. The points at one
 * size are its seeds; the seed label itself is carried for display and does not change the fit.
 */
export interface ScalingPoint {
  n: number;
  value: number;
  seed?: number | string | null;
}

export interface FitScalingOptions {
  /** Metric where higher is better (accuracy, F1): the fit is on the error 1 − value, so values lie in [0, 1]. */
  higherIsBetter?: boolean;
  /** The metric value the user wants (on the metric's own scale): how many examples reach it? */
  target?: number | null;
  /** Bootstrap replicates for the band (default 200). */
  bootstrap?: number;
  /** Seed of the bootstrap (default 0): the same points always give the same band. */
  seed?: number;
  /** Coverage of the band and of the interval (default 0.95). */
  level?: number;
  /** An answer beyond this many times the largest measured size is "too far" (default 4). */
  maxExtrapolation?: number;
  /**
   * The reference predictor's value on the same rows (mean of the train labels for regression, the
   * majority class for classification), on the metric's scale. When the largest size does not beat
   * it beyond its noise the verdict is `poor_fit`: a curve of a model that learned nothing says nothing about data.
   */
  baseline?: number | null;
}

export type ScalingVerdict = 'ok' | 'unreachable' | 'too_far' | 'poor_fit';

export interface SizeSummary {
  n: number;
  /** Points (seeds) at this size. */
  k: number;
  mean: number;
  /** Sample standard deviation over seeds (0 with one seed). */
  std: number;
  /** The fitted curve at n. */
  fitted: number;
}

export interface ScalingFit {
  /** err(n) = a·n^(−b) + c, on the error scale (the metric itself, or 1 − metric when higher is better). */
  a: number;
  b: number;
  c: number;
  higherIsBetter: boolean;
  /** Best value more data can reach, on the metric's scale (c, or 1 − c). */
  floor: number;
  /** Bootstrap percentiles, on the metric's scale; `curve` spans the measured sizes up to maxExtrapolation × the largest. */
  band: {
    level: number;
    method: 'seeds' | 'residuals';
    replicates: number;
    a: [number, number];
    b: [number, number];
    floor: [number, number];
    curve: { n: number; value: number; lo: number; hi: number }[];
  };
  sizes: SizeSummary[];
  /** Refit without the largest size, predict it: null with fewer than 4 sizes (2 left cannot fix 3 parameters). */
  heldout: {
    n: number;
    predicted: number;
    observed: number;
    /** |predicted − observed| on the metric's scale. */
    error: number;
    /** Largest error that passes: 2 standard errors of the observed mean + 10 % of the measured improvement. */
    tolerance: number;
    passed: boolean;
  } | null;
  /**
   * The baseline check (null without `baseline`): `beaten` when the largest size's mean is better
   * than the baseline by more than `margin` (2 standard errors of that mean, at least 1 % of it).
   */
  baseline: BaselineCheck | null;
  /** Whether the measured means fall (error scale) as n grows, within their noise; `reason` says where not. */
  monotone: { ok: boolean; reason: string | null };
  target: number | null;
  nNeeded: number | null;
  /** Bootstrap interval of nNeeded; the upper end is null when some replicates never reach the target. */
  nNeededInterval: [number, number | null] | null;
  verdict: ScalingVerdict;
  /** Why the verdict, in one sentence a user can act on. */
  reason: string;
}

export class ScalingError extends Error {
  override name = 'ScalingError';
}

/** The fitted curve on the metric's scale at n. */
export function predictScaling(fit: Pick<ScalingFit, 'a' | 'b' | 'c' | 'higherIsBetter'>, n: number): number {
  const err = powerLawValue(fit, n);
  return fit.higherIsBetter ? 1 - err : err;
}

/**
 * Fits a data-scaling curve err(n) = a·n^(−b) + c to every seed's point and answers "how many
 * training examples for a target?".
 *
 * Weighting: each point is weighted by 1 / v(n), v(n) the variance over seeds at its size, so noisy
 * sizes count less and sizes with more seeds count more. A size's variance is floored at a quarter
 * of the pooled variance (a size whose few seeds happen to agree must not dominate), and a size
 * with one seed takes the pooled variance. Without replicates anywhere, all points weigh the same.
 *
 * Band: a bootstrap over seeds: at every size its seeds' points are resampled with replacement,
 * their deviations from the size mean inflated by √(k/(k−1)) (with 3 seeds a plain resample
 * shrinks the variance of a mean by a third and has only 10 distinct outcomes, so the band would
 * be too narrow); a size with one seed draws from the pooled variance. Each replicate is refitted.
 * With no replicated size at all: a residual bootstrap (fitted values plus resampled,
 * dof-corrected residuals). Percentiles at `level` give the band of the curve, of b and of the floor,
 * and the interval of the answer.
 *
 * Held-out extrapolation error (LCDB, Mohr & van Rijn 2022: judge extrapolation on larger sizes that
 * were not fitted): refit without the largest size and compare its prediction with that size's mean.
 *
 * Verdicts: `poor_fit` when the largest size does not beat the `baseline` (the reference predictor)
 * beyond its noise (flat at the baseline, or worse than it), or when the curve misses the size means by more than 3 standard errors (RMS) or,
 * without replicates, explains under 90 % of their variation; `unreachable` when the target lies
 * beyond the floor c or inside the floor's band; `too_far` when the answer is more than
 * `maxExtrapolation` × the largest size, the held-out check failed, the measured curve rises with n
 * beyond its noise, or (with only 3 sizes) the answer lies beyond the largest size with no held-out check.
 *
 * @example fitScaling([{n: 100, value: 0.6}, {n: 400, value: 0.35}, {n: 1600, value: 0.225}, {n: 6400, value: 0.1625}], {target: 0.15})
 *   // a ≈ 5, b ≈ 0.5, c ≈ 0.1; n_needed = (5 / (0.15 − 0.1))² = 10 000, verdict 'ok' (< 4 × 6400)
 */
export function fitScaling(points: readonly ScalingPoint[], options: FitScalingOptions = {}): ScalingFit {
  const higherIsBetter = options.higherIsBetter ?? false;
  const level = options.level ?? 0.95;
  const replicates = options.bootstrap ?? 200;
  const maxExtrapolation = options.maxExtrapolation ?? 4;
  const target = options.target ?? null;
  if (!(level > 0 && level < 1)) throw new ScalingError(`level ${level} must lie strictly between 0 and 1`);
  if (!Number.isInteger(replicates) || replicates < 10)
    throw new ScalingError(`bootstrap ${replicates} must be an integer ≥ 10`);
  checkPoints(points, higherIsBetter);
  const baselineValue = options.baseline ?? null;
  if (baselineValue !== null && !Number.isFinite(baselineValue))
    throw new ScalingError(`baseline ${baselineValue} is not a finite number`);
  if (target !== null) {
    if (!Number.isFinite(target)) throw new ScalingError(`target ${target} is not a finite number`);
    if (higherIsBetter && (target < 0 || target > 1))
      throw new ScalingError(`target ${target} must lie in [0, 1] for a higher-is-better metric`);
  }
  const toErr = (v: number) => (higherIsBetter ? 1 - v : v);
  const toMetric = toErr; // the map is its own inverse
  // a canonical order, so the same points in any order (with or without seed labels) give the
  // same fit and the same bootstrap: the page and `tunelab scaling` on its exported CSV agree
  const pts = points.map((p) => ({ n: p.n, y: toErr(p.value) })).sort((x, y) => x.n - y.n || x.y - y.y);
  const bySize = groupBySize(pts);
  if (bySize.length < 3) {
    throw new ScalingError(
      `a scaling fit needs at least 3 training sizes; got ${bySize.length}` +
        (bySize.length ? ` (n = ${bySize.map((s) => s.n).join(', ')})` : '') +
        ': add sizes to the sweep',
    );
  }

  // weights 1 / v(n)
  const replicated = bySize.filter((s) => s.k > 1);
  const dof = replicated.reduce((t, s) => t + s.k - 1, 0);
  const pooled = dof > 0 ? replicated.reduce((t, s) => t + s.variance * (s.k - 1), 0) / dof : null;
  const varianceAt = new Map<number, number>();
  for (const s of bySize) {
    const v = pooled === null || pooled <= 0 ? 1 : s.k > 1 ? Math.max(s.variance, pooled / 4) : pooled;
    varianceAt.set(s.n, v);
  }
  const weightOf = (n: number) => 1 / (varianceAt.get(n) as number);
  const fitPoints = (ps: readonly { n: number; y: number }[]) =>
    fitPowerLaw(
      ps.map((p) => p.n),
      ps.map((p) => p.y),
      ps.map((p) => weightOf(p.n)),
    );
  const fit = fitPoints(pts);

  // noise of one point (error scale): from seeds, or from the fit's residuals when there are none
  const residualVariance = fit.sse / Math.max(1, pts.length - 3); // weights are all 1 where it is used
  const noiseVariance = (n: number) =>
    pooled !== null && pooled > 0 ? (varianceAt.get(n) as number) : pts.length > 3 ? residualVariance : 0;
  const stdErr = (s: { n: number; k: number }) => Math.sqrt(noiseVariance(s.n) / s.k);
  const means = bySize.map((s) => s.mean);
  const span = Math.max(...means) - Math.min(...means);
  const scale = Math.max(span, ...means.map(Math.abs), 1e-12);

  // bootstrap replicates of (a, b, c)
  const rng = new Rng(options.seed ?? 0);
  const bySeed = pooled !== null && pooled > 0;
  const residuals = pts.map(
    (p) => (p.y - powerLawValue(fit, p.n)) * Math.sqrt(pts.length / Math.max(1, pts.length - 3)),
  );
  const groups = bySize.map((s) => {
    const ys = pts.filter((p) => p.n === s.n).map((p) => p.y);
    // deviations inflated by √(k/(k−1)) so a resampled mean has the variance v/k of the real one
    const inflate = s.k > 1 ? Math.sqrt(s.k / (s.k - 1)) : 0;
    return { n: s.n, mean: s.mean, deviations: ys.map((y) => (y - s.mean) * inflate) };
  });
  const laws: PowerLaw[] = [];
  for (let r = 0; r < replicates; r++) {
    let sample: { n: number; y: number }[];
    if (bySeed) {
      sample = groups.flatMap((g) =>
        g.deviations.map(() =>
          g.deviations.length > 1
            ? { n: g.n, y: g.mean + (g.deviations[rng.int(g.deviations.length)] as number) }
            : { n: g.n, y: g.mean + Math.sqrt(pooled) * rng.normal() },
        ),
      );
    } else {
      sample = pts.map((p) => ({
        n: p.n,
        y: powerLawValue(fit, p.n) + (residuals[rng.int(residuals.length)] as number),
      }));
    }
    laws.push(fitPoints(sample));
  }
  const q = (xs: number[]) => percentiles(xs, level);
  const nMax = bySize[bySize.length - 1]?.n as number;
  const nMin = bySize[0]?.n as number;
  const curveNs = curveGrid(
    nMin,
    nMax * maxExtrapolation,
    bySize.map((s) => s.n),
  );
  const floorBand = q(laws.map((l) => l.c)); // error scale
  const band: ScalingFit['band'] = {
    level,
    method: bySeed ? 'seeds' : 'residuals',
    replicates: laws.length,
    a: q(laws.map((l) => l.a)),
    b: q(laws.map((l) => l.b)),
    floor: orderPair(toMetric(floorBand[0]), toMetric(floorBand[1])),
    curve: curveNs.map((n) => {
      const [lo, hi] = q(laws.map((l) => powerLawValue(l, n)));
      return { n, value: toMetric(powerLawValue(fit, n)), ...pairAs(orderPair(toMetric(lo), toMetric(hi))) };
    }),
  };
  const sizes: SizeSummary[] = bySize.map((s) => ({
    n: s.n,
    k: s.k,
    mean: toMetric(s.mean),
    std: Math.sqrt(s.variance),
    fitted: toMetric(powerLawValue(fit, s.n)),
  }));

  // goodness of fit on the size means
  let poor: string | null = null;
  if (pooled !== null && pooled > 0) {
    const z = bySize.map((s) => (s.mean - powerLawValue(fit, s.n)) / stdErr(s));
    const rmsZ = Math.sqrt(z.reduce((t, x) => t + x * x, 0) / z.length);
    if (rmsZ > 3)
      poor = `the curve misses the size means by ${rmsZ.toFixed(1)} standard errors (RMS, over 3 is a poor fit)`;
  } else if (span > 1e-9 * scale) {
    const grand = means.reduce((t, m) => t + m, 0) / means.length;
    const ssTot = means.reduce((t, m) => t + (m - grand) ** 2, 0);
    const ssRes = bySize.reduce((t, s) => t + (s.mean - powerLawValue(fit, s.n)) ** 2, 0);
    const r2 = 1 - ssRes / ssTot;
    if (r2 < 0.9) poor = `the curve explains only ${(r2 * 100).toFixed(0)} % of the variation between sizes`;
  }

  // does the model beat the reference predictor anywhere?
  const baseline =
    baselineValue === null
      ? null
      : checkBaseline({ sizes: bySize, stdErr, baseline: baselineValue, toErr, scale });

  // measured monotonicity (error scale must not rise with n beyond noise)
  let monotone: ScalingFit['monotone'] = { ok: true, reason: null };
  for (let i = 0; i < bySize.length && monotone.ok; i++) {
    for (let j = i + 1; j < bySize.length; j++) {
      const si = bySize[i] as SizeGroup;
      const sj = bySize[j] as SizeGroup;
      const rise = sj.mean - si.mean;
      const allowed = 2 * Math.hypot(stdErr(si), stdErr(sj)) + 1e-9 * scale;
      if (rise > allowed) {
        monotone = {
          ok: false,
          reason:
            `the measured ${higherIsBetter ? 'metric falls' : 'error rises'} from n = ${si.n} ` +
            `(${fmt(toMetric(si.mean))}) to n = ${sj.n} (${fmt(toMetric(sj.mean))}), beyond 2 standard errors`,
        };
        break;
      }
    }
  }

  // held-out extrapolation
  let heldout: ScalingFit['heldout'] = null;
  if (bySize.length >= 4) {
    const last = bySize[bySize.length - 1] as SizeGroup;
    const partial = fitPoints(pts.filter((p) => p.n < last.n));
    const predicted = toMetric(powerLawValue(partial, last.n));
    const observed = toMetric(last.mean);
    const error = Math.abs(predicted - observed);
    const tolerance = 2 * stdErr(last) + 0.1 * span;
    heldout = {
      n: last.n,
      predicted,
      observed,
      error,
      tolerance,
      passed: error <= tolerance + 1e-12 * scale,
    };
  }

  // the answer
  let nNeeded: number | null = null;
  let nNeededInterval: ScalingFit['nNeededInterval'] = null;
  let unreachable: string | null = null;
  if (target !== null) {
    const t = toErr(target);
    if (t <= fit.c) {
      unreachable = `the target ${fmt(target)} lies beyond the fitted floor ${fmt(toMetric(fit.c))}: more data of this kind will not get there`;
    } else if (t <= floorBand[1]) {
      unreachable =
        `the target ${fmt(target)} lies inside the floor's ${Math.round(level * 100)} % band ` +
        `[${band.floor.map(fmt).join(', ')}]: more data may never get there`;
    } else {
      nNeeded = examplesFor(fit, t);
      const answers = laws.map((l) => examplesFor(l, t));
      const [lo, hi] = q(answers);
      nNeededInterval = [lo, Number.isFinite(hi) ? hi : null];
    }
  }

  const { verdict, reason } = decide({
    poor: baseline && !baseline.beaten ? baseline.reason : poor,
    unreachable,
    monotone,
    heldout,
    target,
    nNeeded,
    nNeededInterval,
    nMax,
    sizes: bySize.length,
    maxExtrapolation,
  });
  return {
    a: fit.a,
    b: fit.b,
    c: fit.c,
    higherIsBetter,
    floor: toMetric(fit.c),
    band,
    sizes,
    heldout,
    baseline,
    monotone,
    target,
    nNeeded,
    nNeededInterval,
    verdict,
    reason,
  };
}

/** Examples for err(n) = t: n = (a / (t − c))^(1/b), at least 1; Infinity when t is at or below the floor. */
function examplesFor(p: PowerLaw, t: number): number {
  if (t <= p.c) return Number.POSITIVE_INFINITY;
  if (p.a === 0) return 1;
  return Math.max(1, Math.ceil((p.a / (t - p.c)) ** (1 / p.b)));
}

function decide(f: {
  poor: string | null;
  unreachable: string | null;
  monotone: ScalingFit['monotone'];
  heldout: ScalingFit['heldout'];
  target: number | null;
  nNeeded: number | null;
  nNeededInterval: ScalingFit['nNeededInterval'];
  nMax: number;
  sizes: number;
  maxExtrapolation: number;
}): { verdict: ScalingVerdict; reason: string } {
  if (f.poor) return { verdict: 'poor_fit', reason: `${f.poor}: no answer is trustworthy` };
  if (f.unreachable) return { verdict: 'unreachable', reason: f.unreachable };
  if (!f.monotone.ok) return { verdict: 'too_far', reason: `not monotone: ${f.monotone.reason}` };
  if (f.heldout && !f.heldout.passed) {
    return {
      verdict: 'too_far',
      reason:
        `held-out check failed: fitted without n = ${f.heldout.n}, the curve predicted ${fmt(f.heldout.predicted)} ` +
        `there but ${fmt(f.heldout.observed)} was measured (off by ${fmt(f.heldout.error)}, more than ${fmt(f.heldout.tolerance)})`,
    };
  }
  if (f.target === null || f.nNeeded === null) {
    return {
      verdict: 'ok',
      reason: f.heldout
        ? `held-out check passed: off by ${fmt(f.heldout.error)} at n = ${f.heldout.n}`
        : 'fitted; 3 sizes leave no held-out check',
    };
  }
  const limit = f.maxExtrapolation * f.nMax;
  if (f.nNeeded > limit) {
    return {
      verdict: 'too_far',
      reason: `the answer ${f.nNeeded} is more than ${f.maxExtrapolation}× the largest size measured (${f.nMax})`,
    };
  }
  if (!f.heldout && f.nNeeded > f.nMax) {
    return {
      verdict: 'too_far',
      reason: `the answer ${f.nNeeded} lies beyond the largest size (${f.nMax}) and 3 sizes leave no held-out check: measure a 4th size`,
    };
  }
  if (f.nNeededInterval && f.nNeededInterval[1] === null) {
    return {
      verdict: 'too_far',
      reason: 'some bootstrap fits never reach the target: the interval has no upper end',
    };
  }
  const where = f.nNeeded <= f.nMax ? 'within the measured sizes' : `extrapolated from ${f.nMax}`;
  return {
    verdict: 'ok',
    reason: `about ${f.nNeeded} examples (${where})${f.heldout ? `; held-out check off by ${fmt(f.heldout.error)}` : ''}`,
  };
}

interface SizeGroup {
  n: number;
  k: number;
  mean: number;
  variance: number;
}

function groupBySize(pts: readonly { n: number; y: number }[]): SizeGroup[] {
  const groups = new Map<number, number[]>();
  for (const p of pts) groups.set(p.n, [...(groups.get(p.n) ?? []), p.y]);
  return [...groups.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([n, ys]) => {
      const mean = ys.reduce((t, y) => t + y, 0) / ys.length;
      const variance = ys.length > 1 ? ys.reduce((t, y) => t + (y - mean) ** 2, 0) / (ys.length - 1) : 0;
      return { n, k: ys.length, mean, variance };
    });
}

function checkPoints(points: readonly ScalingPoint[], higherIsBetter: boolean): void {
  points.forEach((p, i) => {
    if (!(Number.isFinite(p.n) && p.n > 0))
      throw new ScalingError(`point ${i + 1}: n = ${p.n} must be a positive number of training examples`);
    if (!Number.isFinite(p.value))
      throw new ScalingError(`point ${i + 1} (n = ${p.n}): value ${p.value} is not finite`);
    if (higherIsBetter && (p.value < 0 || p.value > 1)) {
      throw new ScalingError(
        `point ${i + 1} (n = ${p.n}): value ${p.value} is outside [0, 1], so 1 − value is no error rate; ` +
          'is this metric really higher-is-better?',
      );
    }
  });
}

/** Central `level` interval by linear interpolation between order statistics (Infinity sorts last). */
function percentiles(xs: number[], level: number): [number, number] {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => {
    const i = p * (s.length - 1);
    const lo = Math.floor(i);
    const hi = Math.ceil(i);
    const a = s[lo] as number;
    const b = s[hi] as number;
    if (lo === hi || a === b) return a;
    if (!Number.isFinite(b)) return b;
    return a + (b - a) * (i - lo);
  };
  return [at((1 - level) / 2), at(1 - (1 - level) / 2)];
}

function orderPair(x: number, y: number): [number, number] {
  return x <= y ? [x, y] : [y, x];
}

function pairAs([lo, hi]: [number, number]): { lo: number; hi: number } {
  return { lo, hi };
}

/** 48 log-spaced sizes from lo to hi plus the measured ones, sorted. */
function curveGrid(lo: number, hi: number, measured: number[]): number[] {
  const out = new Set(measured);
  for (let i = 0; i < 48; i++) out.add(Math.round(lo * (hi / lo) ** (i / 47)));
  return [...out].sort((a, b) => a - b);
}

function fmt(v: number): string {
  return Number(v.toPrecision(4)).toString();
}
