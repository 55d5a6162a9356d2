/**
 * Model Stock (Jang et al. 2024; mergekit `model_stock`): with base θ₀ and N ≥ 2 fine-tunes θᵢ,
 *   Δᵢ = θᵢ − θ₀,  cos = mean over pairs i < j of ⟨Δᵢ, Δⱼ⟩ / max(‖Δᵢ‖‖Δⱼ‖, 1e-6), clamped to [−1, 1]
 *   t = N·cos / (1 + (N − 1)·cos),  θ = t·mean(θᵢ) + (1 − t)·θ₀
 * per tensor, or per row with `filter_wise` (a 1-D tensor is one row). Computed in float64.
 * Example: N = 2, orthogonal Δ (cos 0) → t = 0: the base; equal Δ (cos 1) → t = 1: their mean.
 */
export function modelStock(
  base: Float32Array,
  models: Float32Array[],
  shape: number[],
  filterWise: boolean,
): Float32Array {
  const N = models.length;
  if (N < 2) throw new Error('model_stock needs at least two models besides the base');
  const n = base.length;
  const cols = filterWise && shape.length >= 2 ? n / (shape[0] as number) : n;
  const out = new Float32Array(n);
  for (let start = 0; start < n; start += cols) {
    const end = start + cols;
    const norms = models.map((m) => {
      let s = 0;
      for (let i = start; i < end; i++) s += ((m[i] as number) - (base[i] as number)) ** 2;
      return Math.sqrt(s);
    });
    let cosSum = 0;
    let pairs = 0;
    for (let a = 0; a < N; a++) {
      for (let b = a + 1; b < N; b++) {
        const x = models[a] as Float32Array;
        const y = models[b] as Float32Array;
        let dot = 0;
        for (let i = start; i < end; i++)
          dot += ((x[i] as number) - (base[i] as number)) * ((y[i] as number) - (base[i] as number));
        const cos = dot / Math.max((norms[a] as number) * (norms[b] as number), 1e-6);
        cosSum += Math.min(1, Math.max(-1, cos));
        pairs++;
      }
    }
    const cos = cosSum / pairs;
    const t = (N * cos) / (1 + (N - 1) * cos);
    for (let i = start; i < end; i++) {
      let mean = 0;
      for (const m of models) mean += m[i] as number;
      out[i] = t * (mean / N) + (1 - t) * (base[i] as number);
    }
  }
  return out;
}
