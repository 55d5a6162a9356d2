import * as tf from '@tensorflow/tfjs-core';
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

  /** Applies one update with gradients keyed by tensor name; names without a gradient stay put. */
  apply(grads: Map<string, tf.Tensor>, lr: number): void {
    this.step++;
    const c1 = 1 - this.beta1 ** this.step;
    const c2 = 1 - this.beta2 ** this.step;
    for (const [name, g] of grads) {
      const p = this.params.get(name);
      const m = this.m.get(name);
      const v = this.v.get(name);
      if (p === undefined || m === undefined || v === undefined)
        throw new Error(`AdamW: no parameter ${name}`);
      tf.tidy(() => {
        const m1 = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const v1 = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        m.assign(m1);
        v.assign(v1);
        const update = tf.div(tf.div(m1, c1), tf.add(tf.sqrt(tf.div(v1, c2)), this.eps));
        const decayedP =
          this.decayed(name) && this.weightDecay > 0 ? tf.mul(p, 1 - lr * this.weightDecay) : p;
        p.assign(tf.sub(decayedP, tf.mul(update, lr)));
      });
    }
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
 * Scales gradients in place so their global L2 norm is at most `maxNorm` (Pascanu et al. 2013);
 * returns the norm before clipping. maxNorm 0 only measures.
 */
export function clipByGlobalNorm(grads: Map<string, tf.Tensor>, maxNorm: number): number {
  const norm = Math.sqrt(
    tf.tidy(() => tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g)))).dataSync()[0] as number),
  );
  if (maxNorm > 0 && norm > maxNorm) {
    const scale = maxNorm / (norm + 1e-6);
    for (const [name, g] of grads) {
      grads.set(name, tf.mul(g, scale));
      g.dispose();
    }
  }
  return norm;
}
