import type { SeriesPoint } from './lttb.ts';

/**
 * Exponential moving average with TensorBoard's debiasing.
 *
 *   last_t = w · last_{t-1} + (1 − w) · y_t,  last_0 = 0
 *   smoothed_t = last_t / (1 − w^t)
 *
 * Without the division the first values are pulled toward 0 (the initial `last`); dividing by
 * 1 − w^t (t = number of finite points seen) removes that bias, so smoothed_1 = y_1 exactly.
 * Non-finite values (NaN, ±Infinity) are passed through unchanged and do not enter the average.
 *
 * Example: ema([1, 2], 0.5) → [1, (0.25 + 1) / 0.75] = [1, 1.6667].
 *
 * @param weight smoothing weight in [0, 1): 0 returns the input, 0.99 is very smooth
 */
export function ema(values: readonly number[], weight: number): number[] {
  if (!(weight >= 0 && weight < 1)) {
    throw new RangeError(`ema: weight must be in [0, 1), got ${weight}`);
  }
  if (weight === 0) return values.slice();
  const out = new Array<number>(values.length);
  let last = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const y = values[i] as number;
    if (!Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    last = last * weight + (1 - weight) * y;
    count++;
    out[i] = last / (1 - weight ** count);
  }
  return out;
}

/** `ema` applied to the y of each point; x is kept. */
export function emaPoints(points: readonly SeriesPoint[], weight: number): SeriesPoint[] {
  const ys = ema(
    points.map((p) => p.y),
    weight,
  );
  return points.map((p, i) => ({ x: p.x, y: ys[i] as number }));
}
