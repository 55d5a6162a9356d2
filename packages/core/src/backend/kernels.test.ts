import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededValues } from './doctor.ts';
import { configureNativeBlas, nativeBlasStatus } from './native-blas.ts';
import { initBackend } from './select.ts';
import { wasmHeapView } from './wasm-heap.ts';

// Deterministic inputs so cpu and wasm see the same numbers.
const filled = seededValues;

function relL2(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] as number) - (b[i] as number);
    num += d * d;
    den += (b[i] as number) ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

interface Case {
  a: number[];
  b: number[];
  ta: boolean;
  tb: boolean;
}
const cases: Case[] = [
  { a: [5, 7], b: [7, 3], ta: false, tb: false },
  { a: [7, 5], b: [3, 7], ta: true, tb: true },
  { a: [9, 3], b: [9, 8], ta: true, tb: false },
  { a: [1, 9, 3], b: [1, 9, 8], ta: true, tb: false },
  { a: [70, 40], b: [70, 130], ta: true, tb: false },
  { a: [9, 8], b: [9, 3], ta: true, tb: false },
  { a: [4, 5, 6], b: [4, 6, 3], ta: false, tb: false },
  { a: [2, 3, 6, 5], b: [2, 3, 6, 4], ta: true, tb: false },
  { a: [2, 3, 5, 6], b: [2, 3, 4, 6], ta: false, tb: true },
];
// Broadcast batch dimensions: tfjs-core's BatchMatMul gradient does not reduce them (it fails on cpu
// too), so only the forward value is compared.
const broadcastCases: Case[] = [
  { a: [4, 5, 6], b: [6, 3], ta: false, tb: false },
  { a: [5, 6], b: [4, 6, 3], ta: false, tb: false },
  { a: [4, 6, 5], b: [3, 6], ta: true, tb: true },
  { a: [2, 3, 6, 5], b: [5, 4], ta: false, tb: false },
];

// Runs f on a backend and returns the forward value and the gradients wrt both inputs.
function run(backend: string, f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, c: Case): Float32Array[] {
  tf.setBackend(backend);
  return tf.tidy(() => {
    const a = tf.tensor(filled(c.a, 1), c.a);
    const b = tf.tensor(filled(c.b, 2), c.b);
    const w = tf.tensor(filled([...f(a, b).shape], 3), f(a, b).shape);
    const g = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(f(x, y), w)));
    const [ga, gb] = g([a, b]);
    return [
      f(a, b).dataSync() as Float32Array,
      ga?.dataSync() as Float32Array,
      gb?.dataSync() as Float32Array,
    ];
  });
}

// CI builds the native BLAS addon (libopenblas-dev), so both BatchMatMul paths run there; on a
// machine without it the native half is skipped and says so in the test name.
const blasBuilt = nativeBlasStatus().available;
const paths = [
  { path: 'XNNPACK', mode: 'off' as const },
  { path: blasBuilt ? 'native BLAS' : 'native BLAS (not built: skipped)', mode: 'on' as const },
];

describe.each(paths)('wasm kernels match cpu ($path)', ({ mode }) => {
  const skip = mode === 'on' && !blasBuilt;
  beforeAll(async () => {
    await initBackend('wasm', () => {});
    if (!skip) expect(configureNativeBlas({ mode, threads: null }).active).toBe(mode === 'on');
  });
  afterAll(() => {
    configureNativeBlas({ mode: 'auto', threads: null });
  });
  if (skip) {
    it.skip('native BLAS addon not built', () => {});
    return;
  }

  it.each(cases)('matMul %o (value and gradients)', (c) => {
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.matMul(a, b, c.ta, c.tb);
    const cpu = run('cpu', f, c);
    const wasm = run('wasm', f, c);
    expect(tf.getBackend()).toBe('wasm');
    for (let i = 0; i < 3; i++)
      expect(relL2(wasm[i] as Float32Array, cpu[i] as Float32Array)).toBeLessThan(1e-5);
  });

  it.each(broadcastCases)('matMul with broadcast %o (value)', (c) => {
    const value = (backend: string) => {
      tf.setBackend(backend);
      return tf.tidy(() => {
        const a = tf.tensor(filled(c.a, 1), c.a);
        const b = tf.tensor(filled(c.b, 2), c.b);
        const out = tf.matMul(a, b, c.ta, c.tb);
        return { shape: out.shape, data: out.dataSync() as Float32Array };
      });
    };
    const cpu = value('cpu');
    const wasm = value('wasm');
    expect(wasm.shape).toEqual(cpu.shape);
    expect(relL2(wasm.data, cpu.data)).toBeLessThan(1e-5);
  });

  it('gather has a gradient on wasm (UnsortedSegmentSum), equal to cpu', () => {
    const grad = (backend: string) => {
      tf.setBackend(backend);
      return tf.tidy(() => {
        const table = tf.tensor(filled([11, 4], 4), [11, 4]);
        const ids = tf.tensor2d(
          [
            [1, 3, 3],
            [10, 0, 1],
          ],
          [2, 3],
          'int32',
        );
        const w = tf.tensor(filled([2, 3, 4], 5), [2, 3, 4]);
        const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), w)));
        return g(table).dataSync() as Float32Array;
      });
    };
    const cpu = grad('cpu');
    const wasm = grad('wasm');
    expect(relL2(wasm, cpu)).toBeLessThan(1e-6);
    // Row 3 was used twice, row 2 never: hand-checkable consequences of scatter-add.
    expect(Array.from(wasm.slice(8, 12))).toEqual([0, 0, 0, 0]);
  });

  it('does not leak tensors across repeated batched products', () => {
    tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => tf.matMul(tf.ones([3, 4, 5]), tf.ones([3, 6, 5]), false, true).dataSync());
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe.skipIf(!blasBuilt)('native BLAS equals the XNNPACK kernels', () => {
  beforeAll(async () => {
    await initBackend('wasm', () => {});
  });
  afterAll(() => {
    configureNativeBlas({ mode: 'auto', threads: null });
  });
  // The shapes a bert-mini step multiplies: dense forward and both backward products, attention.
  it.each([
    { a: [512, 256], b: [256, 1024], ta: false, tb: false },
    { a: [512, 256], b: [512, 1024], ta: true, tb: false },
    { a: [512, 1024], b: [256, 1024], ta: false, tb: true },
    { a: [16, 128, 64], b: [16, 128, 64], ta: false, tb: true },
    { a: [16, 128, 128], b: [16, 128, 64], ta: true, tb: false },
    { a: [4, 128, 256], b: [256, 256], ta: false, tb: false },
  ])(
    '%o within 1e-5 relative, on 1 and 2 threads',
    (c) => {
      tf.setBackend('wasm');
      const product = (mode: 'on' | 'off', threads: number | null) => {
        configureNativeBlas({ mode, threads });
        return tf.tidy(() => {
          const a = tf.tensor(filled(c.a, 21), c.a);
          const b = tf.tensor(filled(c.b, 22), c.b);
          return tf.matMul(a, b, c.ta, c.tb).dataSync() as Float32Array;
        });
      };
      const xnnpack = product('off', null);
      for (const threads of [1, 2]) {
        const blas = product('on', threads);
        expect(blas.length).toBe(xnnpack.length);
        expect(relL2(blas, xnnpack)).toBeLessThan(1e-5);
      }
    },
    60_000,
  );

  it('reports its threads and refuses a bad thread count by name', () => {
    expect(configureNativeBlas({ mode: 'on', threads: 1 }).threads).toBe(1);
    expect(configureNativeBlas({ mode: 'off', threads: null })).toMatchObject({
      active: false,
      reason: 'TUNELAB_BLAS=off',
    });
  });
});

describe('wasm reductions and row gather match cpu', () => {
  beforeAll(async () => {
    await initBackend('wasm', () => {});
  });
  const both = (f: () => tf.Tensor) => {
    tf.setBackend('cpu');
    const cpu = tf.tidy(() => f().dataSync() as Float32Array);
    tf.setBackend('wasm');
    const wasm = tf.tidy(() => f().dataSync() as Float32Array);
    return { cpu, wasm };
  };
  it.each([
    { shape: [7, 5], axis: 0, keep: false },
    { shape: [3, 4, 5], axis: [0, 1], keep: true },
    { shape: [3, 4, 5], axis: 1, keep: false },
    { shape: [3, 4, 5], axis: -1, keep: false },
    { shape: [2048, 129], axis: 0, keep: true },
    { shape: [7, 3, 11], axis: [0, 1], keep: false },
  ])('sum %o', ({ shape, axis, keep }) => {
    const { cpu, wasm } = both(() => tf.sum(tf.tensor(filled(shape, 9), shape), axis, keep));
    expect(relL2(wasm, cpu)).toBeLessThan(1e-6);
  });
  it.each([
    { shape: [130, 70], perm: [1, 0] },
    { shape: [1, 90, 65], perm: [0, 2, 1] },
    { shape: [3, 40, 50], perm: [0, 2, 1] },
    { shape: [4, 33, 2, 16], perm: [0, 2, 1, 3] },
    { shape: [3, 2, 67, 45], perm: [0, 1, 3, 2] },
    { shape: [2, 1, 130, 1, 33], perm: [0, 1, 4, 3, 2] },
    { shape: [130, 1, 33], perm: [1, 2, 0] },
  ])('transpose %o', ({ shape, perm }) => {
    const { cpu, wasm } = both(() => tf.transpose(tf.tensor(filled(shape, 7), shape), perm));
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
  });

  it('gather rows and its error for a bad index', () => {
    const { cpu, wasm } = both(() =>
      tf.gather(
        tf.tensor(filled([6, 3], 8), [6, 3]),
        tf.tensor2d(
          [
            [5, 0],
            [2, 2],
          ],
          [2, 2],
          'int32',
        ),
      ),
    );
    expect(Array.from(wasm)).toEqual(Array.from(cpu));
    tf.setBackend('wasm');
    expect(() => tf.tidy(() => tf.gather(tf.ones([3, 2]), tf.tensor1d([3], 'int32')).dataSync())).toThrow(
      /index 3/,
    );
  });

  it('clone and same-dtype cast share data on wasm and stay valid after the source is disposed', () => {
    tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const x = tf.tensor(filled([40, 30], 11), [40, 30]);
    const want = Array.from(x.dataSync());
    const c = tf.clone(x);
    const k = tf.cast(x, 'float32');
    const i = tf.cast(x, 'int32');
    x.dispose();
    expect(Array.from(c.dataSync())).toEqual(want);
    expect(Array.from(k.dataSync())).toEqual(want);
    expect(Array.from(i.dataSync())).toEqual(want.map((v) => v | 0));
    c.dispose();
    expect(Array.from(k.dataSync())).toEqual(want);
    k.dispose();
    i.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a weight written in place between products is not multiplied with a stale packed copy', () => {
    tf.setBackend('wasm');
    const x = tf.tensor(filled([6, 5], 12), [6, 5]);
    const w = tf.variable(tf.tensor(filled([5, 4], 13), [5, 4]));
    tf.matMul(x, w).dispose();
    // What the fused AdamW does: overwrite the variable's data on the heap, same tensor id.
    (wasmHeapView(w) as Float32Array).fill(2);
    const got = tf.matMul(x, w);
    tf.setBackend('cpu');
    const want = tf.matMul(tf.tensor(filled([6, 5], 12), [6, 5]), tf.fill([5, 4], 2));
    expect(relL2(got.dataSync() as Float32Array, want.dataSync() as Float32Array)).toBeLessThan(1e-6);
    for (const t of [x, w, got, want]) t.dispose();
  });
});
