import { subtractWithHistogram } from './magnitude-select.ts';
import { type SparsificationMethod, sparsify } from './sparsify.ts';

export type ConsensusMethod = 'sum' | 'count';

/** How one generalized task-arithmetic method is configured (mergekit's registry does the same). */
export interface TaskArithmeticRecipe {
  sparsification: SparsificationMethod | null;
  consensus: ConsensusMethod | null;
}

export interface TaskArithmeticOptions extends TaskArithmeticRecipe {
  /** Divide the mixed delta by the sum of the (agreeing) weights. */
  normalize: boolean;
  /** Scale of the mixed delta before it is added to the base. */
  lambda: number;
  /** Rescale sparsified deltas to their original L1 norm. */
  rescale: boolean;
  /** The tensor's shape (DELLA ranks entries within each row). */
  shape?: number[];
}

export interface TaskVectorParameters {
  weight: number;
  /** Share of entries kept by sparsification; 1 keeps all. */
  density: number;
  /** Seed of this model's drop mask (random sparsification only). */
  seed?: number;
  /** Breadcrumbs: share of the largest entries dropped as outliers (mergekit default 0.01). */
  gamma?: number;
  /** DELLA: half-width of the keep probabilities around density (mergekit default 0.15). */
  epsilon?: number;
  /** Names the model and tensor in errors. */
  label?: string;
}

/**
 * Generalized task arithmetic: the one rule behind `task_arithmetic`, `ties`, `dare_linear`,
 * `dare_ties`, `breadcrumbs`, `breadcrumbs_ties`, `della` and `della_linear`, configured by a recipe
 * rather than copied.
 *
 *   Δ_m = θ_m − θ_base                       (task vector, Ilharco et al. 2023)
 *   Δ_m ← sparsify(Δ_m, density_m)           (TIES magnitude trim, Yadav et al. 2023;
 *                                             DARE random drop + rescale, Yu et al. 2023)
 *   τ_m = w_m · Δ_m
 *   consensus "sum":   s = sign(Σ_m τ_m) (0 counts as +);  "count": s = sign(Σ_m sign τ_m)
 *   mask_m = [sign τ_m = s]  (all ones without consensus)
 *   δ = Σ_m mask_m τ_m,  d = Σ_m mask_m w_m  (d = 1 where it is 0; without consensus
 *                                             d = Σ w_m, and 1 where |d| < 1e-8)
 *   θ = θ_base + λ · (normalize ? δ / d : δ)
 *
 * Worked example (ties, density 1, λ 1, normalize): base 0, models +2 (w 1) and −1 (w 1):
 * Σ τ = 1 ≥ 0 so s = +, only +2 agrees: θ = 2 / 1 = 2. Task arithmetic would give 1 (δ = 1).
 *
 * `tuned` tensors are overwritten with their sparsified deltas. All arithmetic rounds to float32
 * at the same steps as mergekit's torch code, so the sign election sees the same sums.
 */
export function mergeTaskVectors(
  base: Float32Array,
  tuned: Float32Array[],
  parameters: TaskVectorParameters[],
  options: TaskArithmeticOptions,
  out: Float32Array = new Float32Array(base.length),
): Float32Array {
  const n = base.length;
  const deltas = tuned;
  const models = deltas.length;
  if (parameters.length !== models) throw new Error('mergeTaskVectors: one parameter set per task vector');
  if (models === 0) {
    out.set(base);
    return out;
  }
  const weights = new Float32Array(models);
  for (let m = 0; m < models; m++) {
    const delta = deltas[m] as Float32Array;
    const p = parameters[m] as TaskVectorParameters;
    if (delta.length !== n)
      throw new Error(`${p.label ?? `task vector ${m}`}: ${delta.length} entries, base has ${n}`);
    weights[m] = p.weight;
    const trims = options.sparsification === 'magnitude' && p.density < 1 && !options.rescale;
    // Δ = θ − θ_base; when trimming by magnitude, the same pass histograms |Δ| for the selection.
    const highHistogram = trims ? subtractWithHistogram(delta, base) : undefined;
    if (!trims) for (let i = 0; i < n; i++) delta[i] = (delta[i] as number) - (base[i] as number);
    if (options.sparsification) {
      sparsify(delta, {
        method: options.sparsification,
        density: p.density,
        rescaleL1: options.rescale,
        seed: p.seed ?? 0,
        label: p.label,
        highHistogram,
        gamma: p.gamma,
        epsilon: p.epsilon,
        shape: options.shape,
      });
    }
  }
  const lambda = Math.fround(options.lambda);
  if (options.consensus) {
    mixWithConsensus(base, deltas, weights, options.consensus, options.normalize, lambda, out);
  } else {
    let divisor = 0;
    for (let m = 0; m < models; m++) divisor = Math.fround(divisor + (weights[m] as number));
    if (Math.abs(divisor) < 1e-8) divisor = 1;
    const scale = options.normalize ? divisor : 1;
    for (let i = 0; i < n; i++) {
      let mixed = 0;
      for (let m = 0; m < models; m++) {
        mixed = Math.fround(
          mixed + Math.fround(((deltas[m] as Float32Array)[i] as number) * (weights[m] as number)),
        );
      }
      if (options.normalize) mixed = Math.fround(mixed / scale);
      if (lambda !== 1) mixed = Math.fround(mixed * lambda);
      out[i] = (base[i] as number) + mixed;
    }
  }
  return out;
}

function mixWithConsensus(
  base: Float32Array,
  deltas: Float32Array[],
  weights: Float32Array,
  consensus: ConsensusMethod,
  normalize: boolean,
  lambda: number,
  out: Float32Array,
): void {
  const n = base.length;
  const models = deltas.length;
  if (models === 3 && consensus === 'sum') {
    mixSumOfThree(
      base,
      deltas as [Float32Array, Float32Array, Float32Array],
      weights,
      normalize,
      lambda,
      out,
    );
    return;
  }
  const bySum = consensus === 'sum';
  const t = new Float64Array(models);
  for (let i = 0; i < n; i++) {
    let vote = 0;
    for (let m = 0; m < models; m++) {
      const x = Math.fround(((deltas[m] as Float32Array)[i] as number) * (weights[m] as number));
      t[m] = x;
      vote = bySum ? Math.fround(vote + x) : vote + Math.sign(x);
    }
    const positive = vote >= 0;
    let mixed = 0;
    let divisor = 0;
    for (let m = 0; m < models; m++) {
      const x = t[m] as number;
      if (positive ? x > 0 : x < 0) {
        mixed = Math.fround(mixed + x);
        divisor = Math.fround(divisor + (weights[m] as number));
      }
    }
    if (normalize) mixed = Math.fround(mixed / (divisor === 0 ? 1 : divisor));
    if (lambda !== 1) mixed = Math.fround(mixed * lambda);
    out[i] = (base[i] as number) + mixed;
  }
}

/**
 * The same rule as the general loop for the common three-model TIES case, unrolled: the general
 * loop's inner loops over an array of arrays cost about twice as much per entry.
 */
function mixSumOfThree(
  base: Float32Array,
  [a, b, c]: [Float32Array, Float32Array, Float32Array],
  weights: Float32Array,
  normalize: boolean,
  lambda: number,
  out: Float32Array,
): void {
  const wa = weights[0] as number;
  const wb = weights[1] as number;
  const wc = weights[2] as number;
  const n = base.length;
  for (let i = 0; i < n; i++) {
    const ta = Math.fround((a[i] as number) * wa);
    const tb = Math.fround((b[i] as number) * wb);
    const tc = Math.fround((c[i] as number) * wc);
    const vote = Math.fround(Math.fround(ta + tb) + tc);
    let mixed = 0;
    let divisor = 0;
    if (vote >= 0) {
      if (ta > 0) {
        mixed = ta;
        divisor = wa;
      }
      if (tb > 0) {
        mixed = Math.fround(mixed + tb);
        divisor = Math.fround(divisor + wb);
      }
      if (tc > 0) {
        mixed = Math.fround(mixed + tc);
        divisor = Math.fround(divisor + wc);
      }
    } else {
      if (ta < 0) {
        mixed = ta;
        divisor = wa;
      }
      if (tb < 0) {
        mixed = Math.fround(mixed + tb);
        divisor = Math.fround(divisor + wb);
      }
      if (tc < 0) {
        mixed = Math.fround(mixed + tc);
        divisor = Math.fround(divisor + wc);
      }
    }
    if (normalize && divisor !== 0) mixed = Math.fround(mixed / divisor);
    if (lambda !== 1) mixed = Math.fround(mixed * lambda);
    out[i] = (base[i] as number) + mixed;
  }
}
