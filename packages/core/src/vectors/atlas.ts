// The tuning-vector atlas: figures about how two or more tuning vectors interact, per tensor (sign
// conflicts, what a TIES merge trims or overrules). Pure typed-array math; analyze.ts streams the
// tensors through it and sums the counts per layer and module.
import { MERGE_METHODS } from '../merge/methods.ts';
import { mergeTaskVectors, type TaskArithmeticRecipe } from '../merge/task-arithmetic.ts';

/** Counts behind the sign-conflict rate of K tuning vectors on some entries (summable over tensors). */
export interface SignConflictCounts {
  /** Entries where at least two vectors changed. */
  considered: number;
  /** Of those, entries where the changed vectors do not all have the same sign. */
  conflicting: number;
  /** K×K (row-major): entries where both a and b changed, and where their signs are opposite. */
  both: Float64Array;
  opposite: Float64Array;
}

/**
 * Sign conflicts between K tuning vectors Δ₁…Δ_K of one tensor (the "sign interference" TIES
 * resolves: Yadav et al. 2023, "TIES-Merging: Resolving Interference When Merging Models", §3).
 * An entry of Δ_k changed when |Δ_k[i]| > cut. Over the entries where at least two vectors changed,
 *
 *   conflict rate = #{i : the changed Δ_k[i] do not all share one sign} / #{i : ≥ 2 changed}
 *
 * and per pair (a, b): #{i : both changed, sign Δ_a[i] ≠ sign Δ_b[i]} / #{i : both changed}.
 * Example: Δ_a = [1, −1, 0, 2], Δ_b = [1, 1, 3, −2], cut 0.5: entries 0, 1, 3 changed in both
 * (entry 2 only in b), 1 and 3 disagree → 2/3.
 */
export function signConflictCounts(deltas: readonly Float32Array[], cut: number): SignConflictCounts {
  const K = deltas.length;
  const n = deltas[0]?.length ?? 0;
  const both = new Float64Array(K * K);
  const opposite = new Float64Array(K * K);
  const signs = new Int8Array(K);
  let considered = 0;
  let conflicting = 0;
  for (let i = 0; i < n; i++) {
    let changed = 0;
    let positive = 0;
    for (let k = 0; k < K; k++) {
      const d = (deltas[k] as Float32Array)[i] as number;
      const s = d > cut ? 1 : d < -cut ? -1 : 0;
      signs[k] = s;
      if (s !== 0) changed++;
      if (s > 0) positive++;
    }
    if (changed < 2) continue;
    considered++;
    if (positive !== 0 && positive !== changed) conflicting++;
    for (let a = 0; a < K; a++) {
      const sa = signs[a] as number;
      if (sa === 0) continue;
      for (let b = a + 1; b < K; b++) {
        const sb = signs[b] as number;
        if (sb === 0) continue;
        both[a * K + b] = (both[a * K + b] as number) + 1;
        if (sa !== sb) opposite[a * K + b] = (opposite[a * K + b] as number) + 1;
      }
    }
  }
  return { considered, conflicting, both, opposite };
}

/** Adds `from` into `into` (same K). */
export function addConflictCounts(into: SignConflictCounts, from: SignConflictCounts): void {
  into.considered += from.considered;
  into.conflicting += from.conflicting;
  for (let i = 0; i < into.both.length; i++) {
    into.both[i] = (into.both[i] as number) + (from.both[i] as number);
    into.opposite[i] = (into.opposite[i] as number) + (from.opposite[i] as number);
  }
}

export function emptyConflictCounts(K: number): SignConflictCounts {
  return { considered: 0, conflicting: 0, both: new Float64Array(K * K), opposite: new Float64Array(K * K) };
}

/** The overall rate (0 where no entry changed in two vectors) and the symmetric K×K pairwise rates. */
export function conflictRates(counts: SignConflictCounts, K: number): { rate: number; pairs: number[][] } {
  const pairs = Array.from({ length: K }, (_, a) =>
    Array.from({ length: K }, (_, b) => {
      if (a === b) return 0;
      const at = a < b ? a * K + b : b * K + a;
      const n = counts.both[at] as number;
      return n > 0 ? (counts.opposite[at] as number) / n : 0;
    }),
  );
  return { rate: counts.considered > 0 ? counts.conflicting / counts.considered : 0, pairs };
}

/** Energies (Σ Δ²) of each tuning vector: all of it, the part TIES trims, the part it overrules. */
export interface TiesInterference {
  total: Float64Array;
  trimmed: Float64Array;
  overruled: Float64Array;
}

/** TIES as the merge registry defines it (magnitude trim, sum sign election): one rule, not a copy. */
const TIES_RECIPE = MERGE_METHODS.ties.recipe as TaskArithmeticRecipe;

/**
 * TIES interference (Yadav et al. 2023, §4): runs the product's TIES merge (`mergeTaskVectors` with
 * the `ties` recipe of the registry, every weight 1) on the tuning vectors of one tensor at
 * `density`, and splits each Δ_k's energy ‖Δ_k‖² into
 *
 *   trimmed_k   = Σ_{i dropped by k's top-density trim} Δ_k[i]²
 *   overruled_k = Σ_{i kept, sign Δ_k[i] ≠ elected sign s[i]} Δ_k[i]²
 *   survives_k  = ‖Δ_k‖² − trimmed_k − overruled_k
 *
 * The elected sign is read back from the merged delta (its sign wherever an entry survives: the
 * agreeing entries share one sign, so their mean carries it). Shares = energy / ‖Δ_k‖².
 * Example (density 1): Δ_a = [2, 1, −3], Δ_b = [−1, 1, 1]: votes +1, +2, −2 elect +, +, −; b's
 * −1 and +1 are overruled: overruled_b = 2 of ‖Δ_b‖² = 3, overruled_a = 0.
 */
export function tiesInterference(deltas: readonly Float32Array[], density: number): TiesInterference {
  const K = deltas.length;
  const n = deltas[0]?.length ?? 0;
  const kept = deltas.map((d) => Float32Array.from(d)); // overwritten with the trimmed vectors
  const merged = mergeTaskVectors(
    new Float32Array(n),
    kept,
    kept.map(() => ({ weight: 1, density })),
    { ...TIES_RECIPE, normalize: true, lambda: 1, rescale: false },
  );
  const total = new Float64Array(K);
  const trimmed = new Float64Array(K);
  const overruled = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const delta = deltas[k] as Float32Array;
    const trim = kept[k] as Float32Array;
    let t = 0;
    let dropped = 0;
    let against = 0;
    for (let i = 0; i < n; i++) {
      const d = delta[i] as number;
      const e = d * d;
      t += e;
      const x = trim[i] as number;
      if (x === 0) dropped += e;
      else if (Math.sign(x) !== Math.sign(merged[i] as number)) against += e;
    }
    total[k] = t;
    trimmed[k] = dropped;
    overruled[k] = against;
  }
  return { total, trimmed, overruled };
}
