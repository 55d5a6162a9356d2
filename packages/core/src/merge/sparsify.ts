import { keepTopKMagnitude } from './magnitude-select.ts';
import { mulberry32 } from './seeded-random.ts';

export type SparsificationMethod = 'magnitude' | 'random';

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
