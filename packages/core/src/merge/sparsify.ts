import { keepTopKMagnitude } from './magnitude-select.ts';
import { mulberry32 } from './seeded-random.ts';

export type SparsificationMethod = 'magnitude' | 'random' | 'magnitude_outliers' | 'della_magprune';

export interface SparsifyOptions {
  method: SparsificationMethod;
  /** Share of entries to keep, in (0, 1]; 1 (or more) keeps the tensor unchanged. */
  density: number;
  /** Rescale the survivors so the L1 norm of the tensor is preserved (mergekit `rescale`). */
  rescaleL1: boolean;
  /** Seed of the drop mask (random only). */
  seed?: number;
  /** Names the tensor and model in errors. */
  label?: string;
  /** The magnitude histogram of `delta` when already computed (magnitude only). */
  highHistogram?: Uint32Array;
  /** magnitude_outliers (breadcrumbs): share of the largest entries removed first. */
  gamma?: number;
  /** della_magprune: half-width of the keep probabilities around density. */
  epsilon?: number;
  /** The tensor's shape (della_magprune ranks within each row of a matrix). */
  shape?: number[];
}

const RESCALE_EPS = 1e-7;

/**
 * Sparsifies a tuning vector Δ in place.
 *
 * - `magnitude` (TIES, Yadav et al. 2023): keep the k = max(1, ⌊density·n⌋) entries of largest |Δ|
 *   (exactly k; ties kept lowest index first), zero the rest.
 * - `random` (DARE, Yu et al. 2023): keep each entry independently with probability `density`;
 *   when the draw keeps none of a tensor's non-zero entries, keep its largest |Δ| entry.
 *
 * At least one entry always survives (TuneLab's rule; mergekit diverges): with ⌊density·n⌋ = 0 —
 * a one-entry regression-head bias at any density < 1 — mergekit's TIES stops on `assert k > 0`
 * and a plain port keeps the base value, silently shifting every prediction by the learned offset;
 * DARE would lose it with probability 1 − density. Keeping one entry makes such a tensor behave as
 * at density 1.
 *
 * With `rescaleL1`, the survivors are multiplied by ‖Δ‖₁ / ‖mask ⊙ Δ‖₁ (mergekit's `RescaleNorm.l1`,
 * the default for `dare_*`), unless either norm is below 1e-7. In expectation this equals DARE's
 * 1/density rescaling, but it preserves the L1 norm of each tensor exactly rather than on average.
 * Example: Δ = [4, −1, 2, 0.5], density 0.5, magnitude → [4, 0, 2, 0]; with rescaleL1 ×7.5/6 →
 * [5, 0, 2.5, 0].
 */
export function sparsify(delta: Float32Array, options: SparsifyOptions): void {
  const { density, method } = options;
  if (!(density > 0) || Number.isNaN(density)) {
    throw new RangeError(`density must be > 0 for ${options.label ?? 'tensor'}, got ${density}`);
  }
  if (density >= 1) return;
  const n = delta.length;
  let before = 0;
  if (options.rescaleL1) before = l1Norm(delta);
  if (method === 'magnitude') {
    keepTopKMagnitude(delta, Math.max(1, Math.floor(density * n)), options.highHistogram);
  } else if (method === 'magnitude_outliers') {
    keepBelowOutliers(delta, density, options.gamma ?? 0.01);
  } else if (method === 'della_magprune') {
    const largest = largestEntry(delta);
    const kept = largest >= 0 ? delta[largest] : 0;
    dropByMagnitudeRank(
      delta,
      density,
      options.epsilon ?? 0.15,
      options.shape ?? [n],
      options.seed ?? 0,
      options.label,
    );
    if (largest >= 0 && allZero(delta)) delta[largest] = kept as number;
  } else {
    const largest = largestEntry(delta);
    const kept = largest >= 0 ? delta[largest] : 0;
    dropRandom(delta, density, options.seed ?? 0);
    if (largest >= 0 && allZero(delta)) delta[largest] = kept as number;
  }
  if (!options.rescaleL1) return;
  const after = l1Norm(delta);
  if (before < RESCALE_EPS || after < RESCALE_EPS) return;
  const scale = before / after;
  for (let i = 0; i < n; i++) delta[i] = (delta[i] as number) * scale;
}

/**
 * Model breadcrumbs (Davari & Belilovsky 2023; mergekit `magnitude_outliers`): drop the
 * n_top = ⌊γ·n⌋ largest |Δ| (outliers), then the smallest, keeping target = max(1, ⌊density·n⌋):
 * ascending by |Δ|, entries [n_bot, n − n_top) survive, n_bot = n − target − n_top (when negative,
 * fewer outliers are dropped). Divergences from mergekit, both where it loses the whole delta:
 * target ≥ 1 (TuneLab's keep-one rule), and n_top = 0 keeps the top `target` entries, where
 * mergekit's slice `indices[n_bot:-0]` is empty (any tensor with γ·n < 1, e.g. a bias of < 100
 * entries at γ = 0.01). Example: |Δ| = [1, 5, 3, 9, 2], density 0.4, γ 0.2 → drop 9, keep 5 and 3.
 */
export function keepBelowOutliers(delta: Float32Array, density: number, gamma: number): void {
  const n = delta.length;
  const target = Math.max(1, Math.floor(density * n));
  let nTop = Math.floor(gamma * n);
  let nBot = n - target - nTop;
  if (nBot < 0) {
    nTop += nBot;
    nBot = 0;
  }
  const order = magnitudeOrder(delta);
  const keep = new Uint8Array(n);
  for (let r = nBot; r < n - nTop; r++) keep[order[r] as number] = 1;
  for (let i = 0; i < n; i++) if (!keep[i]) delta[i] = 0;
}

/** Indices by ascending |x| (stable: ties lowest index first). */
function magnitudeOrder(values: Float32Array): Uint32Array {
  const order = Uint32Array.from({ length: values.length }, (_, i) => i);
  const magnitude = Float32Array.from(values, Math.abs);
  return order.sort((a, b) => (magnitude[a] as number) - (magnitude[b] as number) || a - b);
}

/**
 * DELLA's MagPrune (Deep et al. 2024; mergekit `della_magprune`): within each row (a 1-D tensor is
 * one row), entry i of rank rᵢ by ascending |Δ| (1…c) is kept with probability
 * pᵢ = density − ε + 2ε·(rᵢ − 1)/(c − 1) (a one-entry row: density + ε), drawn from the seeded
 * stream; larger entries survive more often, the mean keep rate is density. density ± ε must lie in
 * (0, 1). The L1 rescale (on by default for della) then restores the tensor's norm.
 */
export function dropByMagnitudeRank(
  delta: Float32Array,
  density: number,
  epsilon: number,
  shape: number[],
  seed: number,
  label?: string,
): void {
  if (density + epsilon >= 1 || density - epsilon <= 0) {
    throw new RangeError(
      `${label ?? 'tensor'}: epsilon ${epsilon} with density ${density} must keep density ± epsilon in (0, 1)`,
    );
  }
  const n = delta.length;
  const cols = shape.length >= 2 ? n / (shape[0] as number) : n;
  const rows = n / cols;
  const next = mulberry32(seed);
  for (let r = 0; r < rows; r++) {
    const row = delta.subarray(r * cols, (r + 1) * cols);
    const order = magnitudeOrder(row);
    const probability = new Float64Array(cols);
    for (let rank = 0; rank < cols; rank++) {
      const share = cols > 1 ? rank / (cols - 1) : 1;
      probability[order[rank] as number] = density - epsilon + share * 2 * epsilon;
    }
    for (let i = 0; i < cols; i++) if (next() / 4294967296 >= (probability[i] as number)) row[i] = 0;
  }
}

/** Keeps each entry with probability `density` using a seeded uint32 stream (one draw per entry). */
export function dropRandom(values: Float32Array, density: number, seed: number): void {
  const next = mulberry32(seed);
  // Compare the uint32 draw with density·2³²: P(draw < cut) = density up to 2⁻³².
  const cut = density * 4294967296;
  for (let i = 0; i < values.length; i++) {
    if (next() >= cut) values[i] = 0;
  }
}

/** Index of the entry of largest |x| (first among ties), or −1 when every entry is 0. */
function largestEntry(values: Float32Array): number {
  let best = -1;
  let magnitude = 0;
  for (let i = 0; i < values.length; i++) {
    const m = Math.abs(values[i] as number);
    if (m > magnitude) {
      magnitude = m;
      best = i;
    }
  }
  return best;
}

function allZero(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) return false;
  return true;
}

function l1Norm(values: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.abs(values[i] as number);
  return sum;
}
