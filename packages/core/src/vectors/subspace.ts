// How much of a tuning vector Δ lies in the base weight's top singular subspace: fine-tuning that
// amplifies directions the weight already uses, against fine-tuning that adds new ones.
import { Rng } from '../random/index.ts';

/** Orthonormal bases of the top-k left (m×k) and right (n×k) singular subspaces, row-major float64. */
export interface TopSubspace {
  k: number;
  u: Float64Array;
  v: Float64Array;
  /** The k largest singular values (descending). */
  sigma: Float64Array;
}

export interface TopSubspaceOptions {
  /** Extra columns of the randomized range finder (Halko et al. 2011: 5–10). Default 8. */
  oversample?: number;
  /** Power iterations (each sharpens the subspace by (σ_{k+1}/σ_k)²). Default 3. */
  iterations?: number;
  seed?: number;
}

/**
 * Top-k singular subspaces of W (rows×cols, row-major) by randomized subspace iteration (Halko,
 * Martinsson & Tropp 2011, "Finding structure with randomness", Alg. 4.4) with Rayleigh–Ritz:
 * Q = orth((W Wᵀ)^q W Ω) for a seeded Gaussian Ω with l = k + oversample columns, B = Qᵀ W,
 * the eigenvectors S of B Bᵀ (Jacobi), U_k = Q S_k, V_k = Bᵀ S_k / σ. Exact (to rounding) when
 * rank W ≤ l; otherwise accurate when σ_k is well separated from σ_{l+1}. k is capped at
 * min(rows, cols) and at the numerical rank (columns with σ ≤ 1e-12·σ₁ are dropped).
 */
export function topSingularSubspace(
  w: ArrayLike<number>,
  rows: number,
  cols: number,
  k: number,
  options: TopSubspaceOptions = {},
): TopSubspace {
  const l = Math.min(rows, cols, k + (options.oversample ?? 8));
  const rng = new Rng(options.seed ?? 1);
  const omega = Float64Array.from({ length: cols * l }, () => rng.normal());
  let q = orthonormalize(multiply(w, rows, cols, omega, l), rows, l);
  for (let it = 0; it < (options.iterations ?? 3); it++) {
    const z = orthonormalize(multiplyTransposed(w, rows, cols, q, l), cols, l);
    q = orthonormalize(multiply(w, rows, cols, z, l), rows, l);
  }
  // Bᵀ = Wᵀ Q (cols×l); B Bᵀ = (Bᵀ)ᵀ Bᵀ (l×l).
  const bt = multiplyTransposed(w, rows, cols, q, l);
  const gram = new Float64Array(l * l);
  for (let a = 0; a < l; a++)
    for (let b = a; b < l; b++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += (bt[c * l + a] as number) * (bt[c * l + b] as number);
      gram[a * l + b] = s;
      gram[b * l + a] = s;
    }
  const { values, vectors } = jacobiEigen(gram, l);
  const order = Array.from({ length: l }, (_, i) => i).sort(
    (a, b) => (values[b] as number) - (values[a] as number),
  );
  const top = Math.sqrt(Math.max(values[order[0] ?? 0] ?? 0, 0));
  const kept = order
    .slice(0, Math.min(k, l))
    .filter((j) => Math.sqrt(Math.max(values[j] as number, 0)) > 1e-12 * top && top > 0);
  const r = kept.length;
  const u = new Float64Array(rows * r);
  const v = new Float64Array(cols * r);
  const sigma = new Float64Array(r);
  kept.forEach((j, c) => {
    const s = Math.sqrt(values[j] as number);
    sigma[c] = s;
    for (let i = 0; i < rows; i++) {
      let x = 0;
      for (let a = 0; a < l; a++) x += (q[i * l + a] as number) * (vectors[a * l + j] as number);
      u[i * r + c] = x;
    }
    for (let i = 0; i < cols; i++) {
      let x = 0;
      for (let a = 0; a < l; a++) x += (bt[i * l + a] as number) * (vectors[a * l + j] as number);
      v[i * r + c] = x / s;
    }
  });
  return { k: r, u, v, sigma };
}

/**
 * Energy of Δ (rows×cols) inside the span of a subspace pair: ‖U_kᵀ Δ V_k‖²_F, the squared norm of
 * P_U Δ P_V (P = projector). The share of ‖Δ‖²_F it holds is what fine-tuning put into directions
 * the base weight already uses most (in the spirit of Hu et al. 2022, "LoRA", §7.3, which relates
 * ΔW to W's top singular directions); 1 − share went elsewhere. A Δ with random directions holds
 * k²/(rows·cols) of its energy there on average (the `chance` level).
 */
export function energyInSubspace(
  delta: ArrayLike<number>,
  rows: number,
  cols: number,
  subspace: TopSubspace,
): number {
  const { k, u, v } = subspace;
  if (k === 0) return 0;
  // T = U_kᵀ Δ (k×cols), then ‖T V_k‖²_F.
  const t = new Float64Array(k * cols);
  for (let i = 0; i < rows; i++) {
    const offset = i * cols;
    for (let a = 0; a < k; a++) {
      const ua = u[i * k + a] as number;
      if (ua === 0) continue;
      const row = a * cols;
      for (let c = 0; c < cols; c++) t[row + c] = (t[row + c] as number) + ua * (delta[offset + c] as number);
    }
  }
  let energy = 0;
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++) {
      let s = 0;
      for (let c = 0; c < cols; c++) s += (t[a * cols + c] as number) * (v[c * k + b] as number);
      energy += s * s;
    }
  return energy;
}

/** W (rows×cols) · X (cols×l) → rows×l. */
function multiply(w: ArrayLike<number>, rows: number, cols: number, x: Float64Array, l: number) {
  const out = new Float64Array(rows * l);
  for (let i = 0; i < rows; i++) {
    const o = i * l;
    for (let c = 0; c < cols; c++) {
      const wic = w[i * cols + c] as number;
      if (wic === 0) continue;
      const xo = c * l;
      for (let a = 0; a < l; a++) out[o + a] = (out[o + a] as number) + wic * (x[xo + a] as number);
    }
  }
  return out;
}

/** Wᵀ (cols×rows) · X (rows×l) → cols×l. */
function multiplyTransposed(w: ArrayLike<number>, rows: number, cols: number, x: Float64Array, l: number) {
  const out = new Float64Array(cols * l);
  for (let i = 0; i < rows; i++) {
    const xo = i * l;
    for (let c = 0; c < cols; c++) {
      const wic = w[i * cols + c] as number;
      if (wic === 0) continue;
      const o = c * l;
      for (let a = 0; a < l; a++) out[o + a] = (out[o + a] as number) + wic * (x[xo + a] as number);
    }
  }
  return out;
}

/** Columns of an n×l matrix made orthonormal (modified Gram–Schmidt, twice); null columns stay 0. */
function orthonormalize(m: Float64Array, n: number, l: number): Float64Array {
  for (let a = 0; a < l; a++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let b = 0; b < a; b++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += (m[i * l + a] as number) * (m[i * l + b] as number);
        for (let i = 0; i < n; i++) m[i * l + a] = (m[i * l + a] as number) - dot * (m[i * l + b] as number);
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += (m[i * l + a] as number) ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) m[i * l + a] = norm > 1e-300 ? (m[i * l + a] as number) / norm : 0;
  }
  return m;
}

/** Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations (Golub & Van Loan §8.5). */
export function jacobiEigen(
  matrix: Float64Array,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vectors[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += (a[p * n + p] as number) ** 2;
      for (let q = p + 1; q < n; q++) off += (a[p * n + q] as number) ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] as number;
        if (apq === 0) continue;
        const theta = ((a[q * n + q] as number) - (a[p * n + p] as number)) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < n; r++) {
          const arp = a[r * n + p] as number;
          const arq = a[r * n + q] as number;
          a[r * n + p] = c * arp - s * arq;
          a[r * n + q] = s * arp + c * arq;
        }
        for (let r = 0; r < n; r++) {
          const apr = a[p * n + r] as number;
          const aqr = a[q * n + r] as number;
          a[p * n + r] = c * apr - s * aqr;
          a[q * n + r] = s * apr + c * aqr;
        }
        for (let r = 0; r < n; r++) {
          const vrp = vectors[r * n + p] as number;
          const vrq = vectors[r * n + q] as number;
          vectors[r * n + p] = c * vrp - s * vrq;
          vectors[r * n + q] = s * vrp + c * vrq;
        }
      }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => a[i * n + i] as number), vectors };
}
