import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index.ts';
import { AdamW, clipByGlobalNorm, clipScale, globalNorm, linearSchedule } from './optimizer.ts';

// Two AdamW steps on w = [1, −2, 0.5] (decayed) and b = [0.3] (not decayed), lr 0.1, wd 0.5.
function twoSteps(backend: string): { w: number[]; b: number[] } {
  tf.setBackend(backend);
  const params = new Map([
    ['w', tf.variable(tf.tensor1d([1, -2, 0.5]))],
    ['b', tf.variable(tf.tensor1d([0.3]))],
  ]);
  const opt = new AdamW(params, 0.5, (n) => n === 'w');
  for (const grads of [
    [[0.2, -0.4, 0], [1]],
    [[-0.1, 0.3, 0.05], [-2]],
  ]) {
    const g = new Map([
      ['w', tf.tensor1d(grads[0] as number[])],
      ['b', tf.tensor1d(grads[1] as number[])],
    ]);
    opt.apply(g, 0.1);
    for (const t of g.values()) t.dispose();
  }
  const out = {
    w: Array.from(params.get('w')?.dataSync() ?? []),
    b: Array.from(params.get('b')?.dataSync() ?? []),
  };
  opt.dispose();
  for (const p of params.values()) p.dispose();
  return out;
}

describe('AdamW', () => {
  beforeAll(async () => {
    await initBackend('wasm', () => {});
  });

  it('first step by hand: θ(1 − lr·λ) − lr·sign(g) (bias-corrected m/√v = ±1)', () => {
    tf.setBackend('cpu');
    const w = tf.variable(tf.tensor1d([1, -2]));
    const opt = new AdamW(new Map([['w', w]]), 0.5, () => true);
    const g = new Map([['w', tf.tensor1d([0.2, -0.4])]]);
    opt.apply(g, 0.1);
    const got = Array.from(w.dataSync());
    expect(got[0]).toBeCloseTo(1 * 0.95 - 0.1, 5);
    expect(got[1]).toBeCloseTo(-2 * 0.95 + 0.1, 5);
    opt.dispose();
    w.dispose();
  });

  it('the update on wasm equals the update on cpu', () => {
    const cpu = twoSteps('cpu');
    const wasm = twoSteps('wasm');
    cpu.w.forEach((x, i) => {
      expect(wasm.w[i]).toBeCloseTo(x, 5);
    });
    expect(wasm.b[0]).toBeCloseTo(cpu.b[0] as number, 5);
  });

  it('fused wasm update (in place) equals the tfjs update: decay, no decay, clipping scale', () => {
    tf.setBackend('wasm');
    const run = (fused: boolean) => {
      const params = new Map([
        ['w', tf.tidy(() => tf.variable(tf.randomNormal([97, 53], 0, 1, 'float32', 3)))],
        ['b', tf.tidy(() => tf.variable(tf.randomNormal([53], 0, 1, 'float32', 4)))],
      ]);
      const opt = new AdamW(params, 0.01, (n) => n === 'w');
      opt.fused = fused;
      const mId = opt.m.get('w')?.dataId;
      for (let s = 0; s < 3; s++) {
        const g = new Map(
          [...params].map(([n, p]) => [n, tf.randomNormal(p.shape, 0, 0.1, 'float32', 10 + s)]),
        );
        opt.apply(g, 1e-3 * (s + 1), s === 1 ? 0.37 : 1);
        for (const t of g.values()) t.dispose();
      }
      const inPlace = opt.m.get('w')?.dataId === mId;
      const out = [...params.values(), ...opt.m.values(), ...opt.v.values()].map((t) => t.dataSync().slice());
      opt.dispose();
      for (const p of params.values()) p.dispose();
      return { out, inPlace };
    };
    const before = tf.memory().numTensors;
    const ref = run(false);
    const got = run(true);
    expect(tf.memory().numTensors).toBe(before);
    expect(got.inPlace).toBe(true);
    expect(ref.inPlace).toBe(false);
    got.out.forEach((a, k) => {
      const b = ref.out[k] as Float32Array;
      let num = 0;
      let den = 0;
      for (let i = 0; i < a.length; i++) {
        num += ((a[i] as number) - (b[i] as number)) ** 2;
        den += (b[i] as number) ** 2;
      }
      expect(Math.sqrt(num / den)).toBeLessThan(1e-6);
    });
  });

  it('global norm on the wasm heap equals the cpu norm; clipScale', () => {
    const norms = ['cpu', 'wasm'].map((backend) => {
      tf.setBackend(backend);
      const grads = new Map([
        ['a', tf.randomNormal([300, 7], 0, 1, 'float32', 5)],
        ['b', tf.tensor1d([3, -4])],
      ]);
      const n = globalNorm(grads);
      for (const g of grads.values()) g.dispose();
      return n;
    });
    expect(Math.abs((norms[1] as number) - (norms[0] as number)) / (norms[0] as number)).toBeLessThan(1e-6);
    expect(clipScale(5, 1)).toBeCloseTo(1 / 5, 6);
    expect(clipScale(0.5, 1)).toBe(1);
    expect(clipScale(5, 0)).toBe(1);
  });

  it('schedule: linear warm-up then linear decay to 0', () => {
    expect([0, 1, 2, 3, 5, 7].map((s) => linearSchedule(s, 1, 2, 7))).toEqual([0.5, 1, 1, 0.8, 0.4, 0]);
  });

  it('clips by global norm', () => {
    tf.setBackend('cpu');
    const grads = new Map([
      ['a', tf.tensor1d([3, 0])],
      ['b', tf.tensor1d([4])],
    ]);
    expect(clipByGlobalNorm(grads, 1)).toBeCloseTo(5, 5);
    expect(Array.from(grads.get('a')?.dataSync() ?? [])[0]).toBeCloseTo(0.6, 5);
    expect(Array.from(grads.get('b')?.dataSync() ?? [])[0]).toBeCloseTo(0.8, 5);
    for (const g of grads.values()) g.dispose();
  });
});
