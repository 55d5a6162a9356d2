import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index.ts';
import { AdamW, clipByGlobalNorm, linearSchedule } from './optimizer.ts';

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
