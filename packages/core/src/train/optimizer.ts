import * as tf from '@tensorflow/tfjs-core';
import { ownsWasmData, wasmHeapView } from '../backend/index.ts';
import type { TensorMap } from '../safetensors/index.ts';

/**
 * AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization") as in PyTorch:
 *   θ ← θ − lr·λ·θ                       (decay, only for `decayed` names)
 *   m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²
 *   θ ← θ − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
 * Moments are keyed by tensor name (not position), so the state survives a checkpoint round trip
 * regardless of iteration order.
 */
export class AdamW {
  step = 0;
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();

  constructor(
    private readonly params: Map<string, tf.Variable>,
    private readonly weightDecay: number,
    private readonly decayed: (name: string) => boolean,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    for (const [name, p] of params) {
      this.m.set(
        name,
        tf.tidy(() => tf.variable(tf.zerosLike(p), false)),
      );
      this.v.set(
        name,
        tf.tidy(() => tf.variable(tf.zerosLike(p), false)),
      );
    }
  }

  /**
   * On wasm the update runs as one plain-JS loop over the heap, writing θ, m and v in place (one
   * read of four arrays, three writes) instead of ~15 tfjs elementwise kernels with their
   * temporaries: AdamW over bert-tiny's 3.9M-entry word embedding went from ~35 ms to a few ms.
   * `fused = false` forces the tfjs path (the reference the fused loop is tested against).
   */
  fused = true;

  /**
   * Applies one update with gradients keyed by tensor name; names without a gradient stay put.
   * `gradScale` multiplies every gradient first (global-norm clipping without a scaled copy).
   */
  apply(grads: Map<string, tf.Tensor>, lr: number, gradScale = 1): void {
    this.step++;
    const c1 = 1 - this.beta1 ** this.step;
    const c2 = 1 - this.beta2 ** this.step;
    for (const [name, g] of grads) {
      const p = this.params.get(name);
      const m = this.m.get(name);
      const v = this.v.get(name);
      if (p === undefined || m === undefined || v === undefined)
        throw new Error(`AdamW: no parameter ${name}`);
      const decay = this.decayed(name) && this.weightDecay > 0 ? 1 - lr * this.weightDecay : 1;
      if (this.fused && this.applyFused(p, m, v, g, lr, gradScale, decay, c1, c2)) continue;
      tf.tidy(() => {
        const gs = gradScale === 1 ? g : tf.mul(g, gradScale);
        const m1 = tf.add(tf.mul(m, this.beta1), tf.mul(gs, 1 - this.beta1));
        const v1 = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gs), 1 - this.beta2));
        m.assign(m1);
        v.assign(v1);
        const update = tf.div(tf.div(m1, c1), tf.add(tf.sqrt(tf.div(v1, c2)), this.eps));
        const decayedP = decay !== 1 ? tf.mul(p, decay) : p;
        p.assign(tf.sub(decayedP, tf.mul(update, lr)));
      });
    }
  }

  /** The fused wasm update; false (nothing done) when not on wasm or the moments share their data. */
  private applyFused(
    p: tf.Variable,
    m: tf.Variable,
    v: tf.Variable,
    g: tf.Tensor,
    lr: number,
    gradScale: number,
    decay: number,
    c1: number,
    c2: number,
  ): boolean {
    if (g.dtype !== 'float32' || g.size !== p.size || !ownsWasmData(m) || !ownsWasmData(v)) return false;
    if (!ownsWasmData(p)) {
      // θ shares its buffer (e.g. with the tensor it was created from): give it its own copy once.
      const copy = tf.add(p, 0);
      p.assign(copy);
      copy.dispose();
      if (!ownsWasmData(p)) return false;
    }
    // Views last: the copy above may have grown (and so detached) the heap.
    const pv = wasmHeapView(p);
    const mv = wasmHeapView(m);
    const vv = wasmHeapView(v);
    const gv = wasmHeapView(g);
    if (pv === undefined || mv === undefined || vv === undefined || gv === undefined) return false;
    // Constants rounded to float32, as the tfjs path's scalar tensors are; the arithmetic runs in
    // double and rounds once per stored value (V8 does not vectorise: each Math.fround costs).
    const f = Math.fround;
    const b1 = f(this.beta1);
    const b2 = f(this.beta2);
    const a1 = f(1 - this.beta1);
    const a2 = f(1 - this.beta2);
    const inv1 = 1 / f(c1);
    const inv2 = 1 / f(c2);
    const eps = f(this.eps);
    const rate = f(lr);
    const keep = f(decay);
    const scale = f(gradScale);
    const n = pv.length;
    for (let i = 0; i < n; i++) {
      const gi = (gv[i] as number) * scale;
      const m1 = b1 * (mv[i] as number) + a1 * gi;
      const v1 = b2 * (vv[i] as number) + a2 * gi * gi;
      mv[i] = m1;
      vv[i] = v1;
      pv[i] = keep * (pv[i] as number) - (rate * (m1 * inv1)) / (Math.sqrt(v1 * inv2) + eps);
    }
    return true;
  }

  state(): { step: number; m: TensorMap; v: TensorMap } {
    const dump = (src: Map<string, tf.Variable>): TensorMap =>
      new Map([...src].map(([n, t]) => [n, { shape: [...t.shape], data: t.dataSync() as Float32Array }]));
    return { step: this.step, m: dump(this.m), v: dump(this.v) };
  }

  load(state: { step: number; m: TensorMap; v: TensorMap }): void {
    this.step = state.step;
    for (const [target, src, label] of [
      [this.m, state.m, 'm'],
      [this.v, state.v, 'v'],
    ] as const) {
      for (const [name, variable] of target) {
        const t = src.get(name);
        if (t === undefined) throw new Error(`checkpoint: optimizer state ${label} has no tensor ${name}`);
        tf.tidy(() => variable.assign(tf.tensor(t.data, variable.shape, 'float32')));
      }
    }
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}

/** Linear warm-up from 0 to `peak` over `warmup` steps, then linear decay to 0 at `total` (HF's linear schedule). */
export function linearSchedule(step: number, peak: number, warmup: number, total: number): number {
  if (warmup > 0 && step < warmup) return (peak * (step + 1)) / warmup;
  return peak * Math.max(0, (total - step) / Math.max(1, total - warmup));
}

/**
 * Global L2 norm of the gradients: a plain-JS sum of squares over the wasm heap (double
 * accumulator), else tfjs.
 */
export function globalNorm(grads: Map<string, tf.Tensor>): number {
  let sum = 0;
  const rest: tf.Tensor[] = [];
  for (const g of grads.values()) {
    const view = wasmHeapView(g);
    if (view === undefined) {
      rest.push(g);
      continue;
    }
    // Four accumulators: one add chain is latency-bound (~2 ns per element).
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const n = view.length;
    const n4 = n - (n % 4);
    for (let i = 0; i < n4; i += 4) {
      const x0 = view[i] as number;
      const x1 = view[i + 1] as number;
      const x2 = view[i + 2] as number;
      const x3 = view[i + 3] as number;
      s0 += x0 * x0;
      s1 += x1 * x1;
      s2 += x2 * x2;
      s3 += x3 * x3;
    }
    for (let i = n4; i < n; i++) s0 += (view[i] as number) * (view[i] as number);
    sum += s0 + s1 + s2 + s3;
  }
  if (rest.length > 0)
    sum += tf.tidy(() => tf.addN(rest.map((g) => tf.sum(tf.square(g)))).dataSync()[0] as number);
  return Math.sqrt(sum);
}

/** The factor global-norm clipping (Pascanu et al. 2013) applies to every gradient: 1 when within `maxNorm` or maxNorm is 0. */
export function clipScale(norm: number, maxNorm: number): number {
  return maxNorm > 0 && norm > maxNorm ? maxNorm / (norm + 1e-6) : 1;
}

/**
 * Scales gradients in place so their global L2 norm is at most `maxNorm`; returns the norm before
 * clipping. maxNorm 0 only measures. (The training loops pass `clipScale` to AdamW.apply instead.)
 */
export function clipByGlobalNorm(grads: Map<string, tf.Tensor>, maxNorm: number): number {
  const norm = globalNorm(grads);
  const scale = clipScale(norm, maxNorm);
  if (scale !== 1) {
    for (const [name, g] of grads) {
      grads.set(name, tf.mul(g, scale));
      g.dispose();
    }
  }
  return norm;
}
