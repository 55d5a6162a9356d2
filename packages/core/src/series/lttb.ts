/** One point of a metric series: x (step, epoch or wall seconds) and y (the value). */
export interface SeriesPoint {
  x: number;
  y: number;
}

/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson, "Downsampling Time Series for Visual
 * Representation", 2013). Keeps the first and last points; splits the rest into `threshold - 2`
 * buckets and, from each, keeps the point that forms the largest triangle with the point kept in the
 * previous bucket and the average of the next bucket. Spikes survive because a spike makes a large
 * triangle.
 *
 * We additionally guarantee that the global minimum and maximum of y survive (LTTB keeps them in
 * practice, but not always when two extremes share a bucket): if one was dropped it replaces the
 * point chosen for its bucket.
 *
 * Example: lttb([{x:0,y:0},{x:1,y:5},{x:2,y:1},{x:3,y:1},{x:4,y:0}], 3) keeps x = 0, 1 and 4.
 *
 * @param points sorted by x ascending
 * @param threshold the number of points wanted (≥ 3); returns the input when it is already smaller
 */
export function lttb(points: readonly SeriesPoint[], threshold: number): SeriesPoint[] {
  const n = points.length;
  if (!Number.isInteger(threshold) || threshold < 3) {
    throw new RangeError(`lttb: threshold must be an integer ≥ 3, got ${threshold}`);
  }
  if (n <= threshold) return points.slice();

  const last = points[n - 1] as SeriesPoint;
  const keptIndex: number[] = [0];
  const bucketOf: number[] = [-1];
  const every = (n - 2) / (threshold - 2);
  let a = 0;

  for (let bucket = 0; bucket < threshold - 2; bucket++) {
    const start = Math.floor(bucket * every) + 1;
    const end = Math.min(Math.floor((bucket + 1) * every) + 1, n - 1);
    const nextStart = end;
    const nextEnd = Math.min(Math.floor((bucket + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    const nextLen = nextEnd - nextStart;
    for (let i = nextStart; i < nextEnd; i++) {
      const p = points[i] as SeriesPoint;
      avgX += p.x;
      avgY += p.y;
    }
    if (nextLen > 0) {
      avgX /= nextLen;
      avgY /= nextLen;
    } else {
      avgX = last.x;
      avgY = last.y;
    }
    const pa = points[a] as SeriesPoint;
    let maxArea = -1;
    let chosen = start;
    for (let i = start; i < end; i++) {
      const p = points[i] as SeriesPoint;
      const area = Math.abs((pa.x - avgX) * (p.y - pa.y) - (pa.x - p.x) * (avgY - pa.y));
      if (area > maxArea) {
        maxArea = area;
        chosen = i;
      }
    }
    keptIndex.push(chosen);
    bucketOf.push(bucket);
    a = chosen;
  }
  keptIndex.push(n - 1);
  bucketOf.push(-1);

  keepExtremes(points, keptIndex, every);
  return keptIndex.map((i) => points[i] as SeriesPoint);
}

/** Replaces a bucket's chosen point by the global min/max of y when LTTB dropped it. */
function keepExtremes(points: readonly SeriesPoint[], keptIndex: number[], every: number): void {
  let minI = 0;
  let maxI = 0;
  for (let i = 1; i < points.length; i++) {
    const y = (points[i] as SeriesPoint).y;
    if (y < (points[minI] as SeriesPoint).y) minI = i;
    if (y > (points[maxI] as SeriesPoint).y) maxI = i;
  }
  const kept = new Set(keptIndex);
  for (const extreme of [minI, maxI]) {
    if (kept.has(extreme)) continue;
    // bucket b covers [floor(b*every)+1, floor((b+1)*every)+1); slot b+1 in keptIndex
    const bucket = Math.min(Math.floor((extreme - 1) / every), keptIndex.length - 3);
    let slot = bucket + 1;
    // floor rounding can put the extreme one bucket off; pick the slot whose range contains it
    while (slot > 1 && Math.floor((slot - 1) * every) + 1 > extreme) slot--;
    while (slot < keptIndex.length - 2 && Math.floor(slot * every) + 1 <= extreme) slot++;
    const replaced = keptIndex[slot] as number;
    if (replaced === minI || replaced === maxI) continue;
    kept.delete(replaced);
    keptIndex[slot] = extreme;
    kept.add(extreme);
  }
}
