import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { engineLine, probeEngines, selfTest } from './doctor.ts';
import { initBackend } from './select.ts';

beforeAll(async () => {
  await initBackend('wasm', () => {});
});

describe('probeEngines', () => {
  it('lists every engine, says wasm and threads load here and why tfjs-node-gpu does not', async () => {
    const engines = await probeEngines();
    expect(engines.map((e) => e.name)).toEqual(['node-gpu', 'node', 'wasm', 'native-blas', 'threads']);
    const byName = Object.fromEntries(engines.map((e) => [e.name, e]));
    expect(byName.wasm?.loads).toBe(true);
    expect(byName.threads).toMatchObject({ loads: true });
    // tfjs-node(-gpu) cannot install on these machines (no libtensorflow download).
    expect(byName['node-gpu']?.loads).toBe(false);
    expect(byName['node-gpu']?.detail).toMatch(/CUDA 11\.2.*cuDNN 8\.1.*libtensorflow 2\.9\.1/);
    expect(byName.node?.detail).toMatch(/not installed|does not load/);
    expect(tf.getBackend()).toBe('wasm');
  }, 60_000);
});

describe('selfTest', () => {
  it('passes every check on wasm and leaves the active backend as it was', async () => {
    const results = await selfTest('wasm');
    expect(results.map((r) => r.check)).toEqual([
      'MatMul',
      'BatchMatMul A·B (value, both gradients)',
      'BatchMatMul Aᵀ·B (value, both gradients)',
      'BatchMatMul A·Bᵀ (value, both gradients)',
      'BatchMatMul Aᵀ·Bᵀ (value, both gradients)',
      'gather and its gradient',
      'softmax',
      'layer norm (value and gradient)',
    ]);
    for (const r of results) expect(r, r.check).toMatchObject({ ok: true });
    for (const r of results) expect(r.relError).toBeLessThan(1e-5);
    expect(tf.getBackend()).toBe('wasm');
  }, 60_000);

  it('catches a wrong kernel', async () => {
    const original = tf.getKernel('Softmax', 'wasm');
    expect(original).toBeDefined();
    tf.unregisterKernel('Softmax', 'wasm');
    // A "softmax" that forgets to normalise: exp(x) only.
    tf.registerKernel({
      kernelName: 'Softmax',
      backendName: 'wasm',
      kernelFunc: ({ inputs, backend }) =>
        tf.getKernel('Exp', 'wasm')?.kernelFunc({
          inputs: { x: inputs.logits as tf.TensorInfo },
          backend,
          attrs: {},
        }) as tf.TensorInfo,
    });
    try {
      const softmax = (await selfTest('wasm')).find((r) => r.check === 'softmax');
      expect(softmax?.ok).toBe(false);
      expect(softmax?.relError).toBeGreaterThan(1e-3);
    } finally {
      tf.unregisterKernel('Softmax', 'wasm');
      tf.registerKernel(original as tf.KernelConfig);
    }
  }, 60_000);
});

describe('engineLine', () => {
  it('summarises backend, BLAS and cores', () => {
    expect(engineLine({ backend: 'wasm', nativeBlas: { vendor: 'OpenBLAS', threads: 2 }, cores: 2 })).toBe(
      'wasm + OpenBLAS×2 · 2 cores',
    );
    expect(engineLine({ backend: 'wasm', nativeBlas: null, cores: 1 })).toBe('wasm · 1 core');
  });
});
