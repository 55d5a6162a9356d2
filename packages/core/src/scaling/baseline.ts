// The baseline check of a scaling fit: does the model beat the reference predictor at any size?

export interface BaselineCheck {
  /** The reference predictor's value, on the metric's scale. */
  value: number;
  /** The largest measured size: where the model saw the most data. */
  n: number;
  /** That size's mean, on the metric's scale. */
  mean: number;
  /** How much better than the baseline that mean is (error scale, positive = better). */
  improvement: number;
  /** Smallest improvement that counts: 2 standard errors of that mean, at least 1 % of the baseline. */
  margin: number;
  beaten: boolean;
  /** Why not beaten, in one sentence (null when beaten). */
  reason: string | null;
}

/**
 * A sweep that sits at (or below) the mean/majority predictor learned nothing; its curve, flat or
 * not, is noise around the baseline. The largest size's mean (the most data the model saw) must beat
 * the baseline by more than max(2 standard errors of that mean, 1 % of |baseline|) on the error
 * scale. The largest size, not the best one: picking the best of several noisy means would beat a
 * flat baseline by chance.
 */
export function checkBaseline(f: {
  sizes: readonly { n: number; k: number; mean: number }[];
  stdErr: (s: { n: number; k: number }) => number;
  baseline: number;
  toErr: (v: number) => number;
  scale: number;
}): BaselineCheck {
  const base = f.toErr(f.baseline);
  const best = f.sizes[f.sizes.length - 1] as { n: number; k: number; mean: number };
  const improvement = base - best.mean;
  const margin = Math.max(2 * f.stdErr(best), 0.01 * Math.abs(base), 1e-9 * f.scale);
  const beaten = improvement > margin;
  const show = (v: number) => Number(v.toPrecision(4)).toString();
  const bestMean = f.toErr(best.mean);
  return {
    value: f.baseline,
    n: best.n,
    mean: bestMean,
    improvement,
    margin,
    beaten,
    reason: beaten
      ? null
      : `the model does not beat the baseline ${show(f.baseline)}: at the largest size, n = ${best.n}, it reaches ${show(bestMean)}, ` +
        (improvement > 0
          ? `within ${show(margin)} of it (2 standard errors, at least 1 %)`
          : `no better than it`) +
        ', so the curve is noise around a model that learned nothing',
  };
}
