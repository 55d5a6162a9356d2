/**
 * NuSLERP (mergekit `nuslerp`): spherical interpolation of two models with t = w₁ / (w₀ + w₁)
 * (0.5 when |w₀ + w₁| < 1e-6). With a base, the two task vectors are interpolated and added back:
 * θ = θ_base + slerp(t, θ₀ − θ_base, θ₁ − θ_base). Vectors: the whole tensor (`flatten`, default),
 * else each row of a matrix (`row_wise` false: along its last dimension) or each column
 * (`row_wise` true). Per vector: u = v/max(‖v‖, 1e-7), θ = acos(clamp(u₀·u₁)),
 * result = (sin((1 − t)θ)·v₀ + sin(tθ)·v₁) / sin θ, or the lerp (1 − t)v₀ + t·v₁ where |sin θ| < 1e-8.
 * Computed in float64. Example: v₀ = [1, 0], v₁ = [0, 1], t = 0.5 → [0.7071, 0.7071].
 */
export function nuslerp(
  t: number,
  a: Float32Array,
  b: Float32Array,
  shape: number[],
  options: { flatten: boolean; rowWise: boolean },
): Float32Array {
  const n = a.length;
  const out = new Float32Array(n);
  const matrix = !options.flatten && shape.length === 2;
  const rows = matrix ? (shape[0] as number) : 1;
  const cols = matrix ? (shape[1] as number) : n;
  // Vector k's entry j sits at index(k, j): rows of the matrix, or its columns with row_wise.
  const count = matrix && options.rowWise ? cols : rows;
  const length = matrix && options.rowWise ? rows : cols;
  const index = (k: number, j: number) => (matrix && options.rowWise ? j * cols + k : k * cols + j);
  for (let k = 0; k < count; k++) {
    let aa = 0;
    let bb = 0;
    let ab = 0;
    for (let j = 0; j < length; j++) {
      const x = a[index(k, j)] as number;
      const y = b[index(k, j)] as number;
      aa += x * x;
      bb += y * y;
      ab += x * y;
    }
    const cos = ab / Math.max(Math.sqrt(aa), 1e-7) / Math.max(Math.sqrt(bb), 1e-7);
    const theta = Math.acos(Math.min(1, Math.max(-1, cos)));
    const sin = Math.sin(theta);
    const colinear = Math.abs(sin) < 1e-8;
    const s0 = colinear ? 1 - t : Math.sin((1 - t) * theta) / sin;
    const s1 = colinear ? t : Math.sin(t * theta) / sin;
    for (let j = 0; j < length; j++) {
      const i = index(k, j);
      out[i] = s0 * (a[i] as number) + s1 * (b[i] as number);
    }
  }
  return out;
}
