/**
 * Linear merge ("model soups", Wortsman et al. 2022; mergekit `linear`):
 *   θ = Σ_m w_m θ_m / (normalize ? Σ_m w_m : 1)
 * Example: weights 0.7 and 0.3 on entries 1 and 2 → 0.7·1 + 0.3·2 = 1.3 (Σw = 1).
 * Sums round to float32 in model order, as torch does on a stacked float32 tensor.
 */
export function linearMerge(
  tensors: Float32Array[],
  weights: number[],
  normalize: boolean,
  out: Float32Array = new Float32Array(tensors[0]?.length ?? 0),
): Float32Array {
  const models = tensors.length;
  if (models === 0 || weights.length !== models)
    throw new Error('linearMerge: one weight per tensor, at least one');
  const w = Float32Array.from(weights);
  let total = 0;
  for (let m = 0; m < models; m++) total = Math.fround(total + (w[m] as number));
  if (normalize && total === 0) throw new Error('linear merge: weights sum to 0; set normalize: false');
  const n = out.length;
  for (const t of tensors)
    if (t.length !== n) throw new Error(`linearMerge: tensors of ${t.length} and ${n} entries`);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let m = 0; m < models; m++)
      sum = Math.fround(sum + Math.fround((w[m] as number) * ((tensors[m] as Float32Array)[i] as number)));
    out[i] = normalize ? sum / total : sum;
  }
  return out;
}
