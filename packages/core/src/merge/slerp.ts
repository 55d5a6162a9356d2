const DOT_THRESHOLD = 0.9995;
const NORM_EPS = 1e-8;

/**
 * Spherical linear interpolation of two whole tensors (Shoemake 1985; mergekit `slerp`), t ∈ [0, 1]
 * from `from` (the base model) to `to`:
 *   u = a/‖a‖, v = b/‖b‖ (a vector with ‖·‖ ≤ 1e-8 is left as is), cos θ = u·v
 *   |cos θ| > 0.9995 → lerp: (1 − t)·a + t·b   (near-colinear: slerp is ill-conditioned)
 *   else θ_t = tθ: result = sin(θ − θ_t)/sin θ · a + sin θ_t / sin θ · b
 * The normalised vectors only give the angle; the coefficients apply to the original tensors, so
 * norms are interpolated too. Example: a = [1, 0], b = [0, 2], t = 0.5 → θ = π/2,
 * coefficients sin(π/4) each → [0.7071, 1.4142].
 */
export function slerp(
  t: number,
  from: Float32Array,
  to: Float32Array,
  out: Float32Array = new Float32Array(from.length),
): Float32Array {
  const n = from.length;
  if (to.length !== n) throw new Error(`slerp: tensors of ${n} and ${to.length} entries`);
  let aa = 0;
  let bb = 0;
  let ab = 0;
  for (let i = 0; i < n; i++) {
    const a = from[i] as number;
    const b = to[i] as number;
    aa += a * a;
    bb += b * b;
    ab += a * b;
  }
  const normA = Math.sqrt(aa);
  const normB = Math.sqrt(bb);
  const dot = ab / (normA > NORM_EPS ? normA : 1) / (normB > NORM_EPS ? normB : 1);
  let s0: number;
  let s1: number;
  if (Math.abs(dot) > DOT_THRESHOLD) {
    s0 = 1 - t;
    s1 = t;
  } else {
    const theta = Math.acos(dot);
    const sinTheta = Math.sin(theta);
    s0 = Math.sin(theta - theta * t) / sinTheta;
    s1 = Math.sin(theta * t) / sinTheta;
  }
  for (let i = 0; i < n; i++) out[i] = s0 * (from[i] as number) + s1 * (to[i] as number);
  return out;
}
