import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/index.ts';
import { activation, dropout } from './layers.ts';

describe('activations', () => {
  beforeAll(async () => {
    await initBackend('cpu', () => {});
  });
  const xs = [-3, -1.5, -0.2, 0, 0.3, 1, 2.5];

  it('exact gelu: values x·Φ(x) and gradient Φ(x) + x·φ(x) by hand', () => {
    // Φ(1) = 0.841344746, φ(1) = 0.241970725 → gelu(1) = 0.841345, gelu'(1) = 1.083315.
    const [value, grad] = tf.tidy(() => {
      const x = tf.tensor1d([1]);
      return [
        activation(x, 'gelu').dataSync()[0],
        tf
          .grad((t: tf.Tensor) => tf.sum(activation(t, 'gelu')))(x)
          .dataSync()[0],
      ];
    });
    expect(value).toBeCloseTo(0.841345, 5);
    expect(grad).toBeCloseTo(1.083315, 5);
  });

  it('exact gelu gradient equals autodiff of the same formula', () => {
    const auto = (t: tf.Tensor) => tf.sum(tf.mul(tf.mul(t, 0.5), tf.add(1, tf.erf(tf.mul(t, Math.SQRT1_2)))));
    const [mine, reference] = tf.tidy(() => {
      const x = tf.tensor1d(xs);
      return [
        Array.from(
          tf
            .grad((t: tf.Tensor) => tf.sum(activation(t, 'gelu')))(x)
            .dataSync(),
        ),
        Array.from(tf.grad(auto)(x).dataSync()),
      ];
    });
    mine.forEach((g, i) => {
      expect(g).toBeCloseTo(reference[i] as number, 5);
    });
  });

  it('tanh gelu (gelu_new) matches its closed form', () => {
    const got = tf.tidy(() => Array.from(activation(tf.tensor1d(xs), 'gelu_new').dataSync()));
    xs.forEach((x, i) => {
      const want = 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
      expect(got[i]).toBeCloseTo(want, 5);
    });
  });
});

describe('dropout', () => {
  it('keeps ~1−rate of the entries scaled by 1/(1−rate), the same for the same seed', () => {
    const [a, b, c] = tf.tidy(() => {
      const x = tf.ones([200, 100]);
      return [dropout(x, 0.1, 7), dropout(x, 0.1, 7), dropout(x, 0.1, 8)].map((t) =>
        Array.from(t.dataSync()),
      );
    }) as [number[], number[], number[]];
    const kept = a.filter((v) => v !== 0);
    expect(kept.length / a.length).toBeGreaterThan(0.88);
    expect(kept.length / a.length).toBeLessThan(0.92);
    expect(kept.every((v) => Math.abs(v - 1 / 0.9) < 1e-6)).toBe(true);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('with one seed per row, gives a row the same mask whichever rows share its batch', () => {
    const [whole, part, other] = tf.tidy(() => {
      const x = tf.ones([4, 3, 50]); // [batch, tokens, hidden]: rows are contiguous blocks
      const rows = (t: tf.Tensor) => t.arraySync() as number[][][];
      return [
        rows(dropout(x, 0.3, [11, 12, 13, 14])),
        rows(dropout(tf.slice(x, [1, 0, 0], [2, 3, 50]), 0.3, [12, 13])),
        rows(dropout(tf.slice(x, [1, 0, 0], [2, 3, 50]), 0.3, [13, 12])),
      ];
    });
    expect(part).toEqual(whole.slice(1, 3));
    expect(other[0]).toEqual(whole[2]);
    expect(whole[1]).not.toEqual(whole[2]);
    expect(() => tf.tidy(() => dropout(tf.ones([3, 5]), 0.3, [1, 2]))).toThrow(
      /2 row seeds do not divide a tensor of 15/,
    );
  });
});
