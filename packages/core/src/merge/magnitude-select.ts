/**
 * Magnitude trimming without a sort: a radix select on the bit patterns of |x|.
 *
 * For finite float32 values, clearing the sign bit gives a uint32 key that orders exactly like |x|,
 * so the k-th largest magnitude is the k-th largest key. A histogram of the top 16 bits finds the
 * bucket holding it; one more pass keeps every entry above that bucket, zeroes every entry below
 * it and collects the few entries inside it, among which a histogram of the low 16 bits finds the
 * exact threshold. O(n) in two passes over the data (the first can be fused with computing the
 * delta, see {@link subtractWithHistogram}), against O(n log n) for the argsort mergekit uses.
 */

const BINS = 65536;

/** Histogram of the top 16 bits of |x|'s bit pattern. */
export function magnitudeHistogram(values: Float32Array): Uint32Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const high = new Uint32Array(BINS);
  for (let i = 0; i < bits.length; i++) {
    const bucket = ((bits[i] as number) & 0x7fffffff) >>> 16;
    high[bucket] = (high[bucket] as number) + 1;
  }
  return high;
}

/** tuned ← tuned − base (float32, as torch), returning the magnitude histogram of the result. */
export function subtractWithHistogram(tuned: Float32Array, base: Float32Array): Uint32Array {
  const bits = new Uint32Array(tuned.buffer, tuned.byteOffset, tuned.length);
  const high = new Uint32Array(BINS);
  for (let i = 0; i < tuned.length; i++) {
    tuned[i] = (tuned[i] as number) - (base[i] as number);
    const bucket = ((bits[i] as number) & 0x7fffffff) >>> 16;
    high[bucket] = (high[bucket] as number) + 1;
  }
  return high;
}

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
  checkK(k, n);
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  const { bucket, above } = findBucket(magnitudeHistogram(values), k);
  const low = new Uint32Array(BINS);
  for (let i = 0; i < n; i++) {
    const key = (bits[i] as number) & 0x7fffffff;
    if (key >>> 16 === bucket) low[key & 0xffff] = (low[key & 0xffff] as number) + 1;
  }
  const { bucket: slot, above: total } = findBucket(low, k - above);
  return {
    key: ((bucket << 16) | slot) >>> 0,
    above: above + total,
    keepAtThreshold: k - above - total,
    atThreshold: low[slot] as number,
  };
}

/**
 * Keeps the `k` entries of largest magnitude and sets the rest to zero, in place; exactly k
 * survive, as with mergekit's `argsort(|Δ|, descending=True)[:k]`. Among entries tied at the
 * threshold the lowest indices are kept: what `argsort(..., stable=True)` gives. (mergekit's call
 * is not stable: on CPU torch then uses std::sort, which leaves the choice among ties unspecified;
 * any choice keeps the same count and the same values.)
 * `highHistogram` is {@link magnitudeHistogram} of `values` when the caller already has it.
 */
export function keepTopKMagnitude(values: Float32Array, k: number, highHistogram?: Uint32Array): void {
  const n = values.length;
  if (k >= n) return;
  if (k <= 0) {
    values.fill(0);
    return;
  }
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  const high = highHistogram ?? magnitudeHistogram(values);
  const { bucket, above } = findBucket(high, k);
  // Entries in the threshold's bucket: their index and bit pattern, in index order.
  const inBucket = high[bucket] as number;
  const where = new Uint32Array(inBucket);
  const pattern = new Uint32Array(inBucket);
  let found = 0;
  for (let i = 0; i < n; i++) {
    const b = bits[i] as number;
    const h = (b & 0x7fffffff) >>> 16;
    // Branch-free keep-or-zero: (bucket − h) >> 31 is all ones exactly when h > bucket.
    bits[i] = b & ((bucket - h) >> 31);
    if (h === bucket) {
      where[found] = i;
      pattern[found++] = b;
    }
  }
  if (found !== inBucket) throw new Error('keepTopKMagnitude: histogram does not match the values');
  const low = new Uint32Array(BINS);
  for (let c = 0; c < found; c++) {
    const slot = (pattern[c] as number) & 0xffff;
    low[slot] = (low[slot] as number) + 1;
  }
  const { bucket: slot, above: aboveSlot } = findBucket(low, k - above);
  let tiesLeft = k - above - aboveSlot;
  for (let c = 0; c < found; c++) {
    const s = (pattern[c] as number) & 0xffff;
    if (s > slot || (s === slot && tiesLeft-- > 0)) bits[where[c] as number] = pattern[c] as number;
  }
}

function findBucket(histogram: Uint32Array, k: number): { bucket: number; above: number } {
  let above = 0;
  for (let bucket = histogram.length - 1; bucket >= 0; bucket--) {
    const count = histogram[bucket] as number;
    if (above + count >= k) return { bucket, above };
    above += count;
  }
  return { bucket: 0, above };
}

function checkK(k: number, n: number): void {
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new RangeError(`magnitudeThreshold: k must be an integer in [1, ${n}], got ${k}`);
  }
}
