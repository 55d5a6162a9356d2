/**
 * Magnitude trimming without a sort: a two-pass radix select on the bit patterns of |x|.
 *
 * For finite float32 values, clearing the sign bit gives a uint32 key that orders exactly like |x|,
 * so the k-th largest magnitude is the k-th largest key. One histogram over the top 16 bits finds the
 * bucket holding it, a second over the low 16 bits of that bucket finds the exact key: O(n), no
 * allocation proportional to n, against O(n log n) for the argsort mergekit uses.
 */

const HIGH_BINS = 65536;

export interface MagnitudeThreshold {
  /** The k-th largest |x| as its uint32 key (sign bit cleared). */
  key: number;
  /** How many entries have a key strictly above `key`. */
  above: number;
  /** How many entries with key equal to `key` must be kept to keep exactly k entries. */
  keepAtThreshold: number;
  /** How many entries have key equal to `key`. */
  atThreshold: number;
}

/** Finds the key of the k-th largest |x| (1 ≤ k ≤ n) and how many ties to keep. */
export function magnitudeThreshold(values: Float32Array, k: number): MagnitudeThreshold {
  const n = values.length;
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new RangeError(`magnitudeThreshold: k must be an integer in [1, ${n}], got ${k}`);
  }
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  const high = new Uint32Array(HIGH_BINS);
  for (let i = 0; i < n; i++) {
    const key = (bits[i] as number) & 0x7fffffff;
    high[key >>> 16] = (high[key >>> 16] as number) + 1;
  }
  let bucket = HIGH_BINS - 1;
  let above = 0;
  for (; bucket >= 0; bucket--) {
    const count = high[bucket] as number;
    if (above + count >= k) break;
    above += count;
  }
  const low = new Uint32Array(HIGH_BINS);
  for (let i = 0; i < n; i++) {
    const key = (bits[i] as number) & 0x7fffffff;
    if (key >>> 16 === bucket) low[key & 0xffff] = (low[key & 0xffff] as number) + 1;
  }
  let slot = HIGH_BINS - 1;
  for (; slot >= 0; slot--) {
    const count = low[slot] as number;
    if (above + count >= k) break;
    above += count;
  }
  return {
    key: ((bucket << 16) | slot) >>> 0,
    above,
    keepAtThreshold: k - above,
    atThreshold: low[slot] as number,
  };
}

/**
 * Keeps the `k` entries of largest magnitude and sets the rest to zero, in place. Ties at the
 * threshold are kept lowest index first, which is what a stable descending argsort followed by
 * `[:k]` (mergekit's `sparsify.magnitude`) keeps; exactly k entries survive either way.
 */
export function keepTopKMagnitude(values: Float32Array, k: number): void {
  const n = values.length;
  if (k >= n) return;
  if (k <= 0) {
    values.fill(0);
    return;
  }
  const { key: threshold, keepAtThreshold, atThreshold } = magnitudeThreshold(values, k);
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  if (keepAtThreshold === atThreshold) {
    // No tie to break: keep key ≥ threshold, branch-free (a data-dependent branch here mispredicts
    // on most entries). (threshold − key − 1) >> 31 is all ones exactly when key ≥ threshold.
    for (let i = 0; i < n; i++) {
      const b = bits[i] as number;
      bits[i] = b & ((threshold - (b & 0x7fffffff) - 1) >> 31);
    }
    return;
  }
  let tiesLeft = keepAtThreshold;
  for (let i = 0; i < n; i++) {
    const key = (bits[i] as number) & 0x7fffffff;
    if (key > threshold) continue;
    if (key === threshold && tiesLeft > 0) {
      tiesLeft--;
      continue;
    }
    bits[i] = 0;
  }
}
