import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { defaultBlasThreads, readBlasConfig } from './native-blas.ts';

describe('readBlasConfig', () => {
  it('defaults to auto with the default thread count', () => {
    expect(readBlasConfig({})).toEqual({ mode: 'auto', threads: null });
  });
  it('reads the mode and the thread count', () => {
    expect(readBlasConfig({ TUNELAB_BLAS: 'off', TUNELAB_BLAS_THREADS: '3' })).toEqual({
      mode: 'off',
      threads: 3,
    });
  });
  it('refuses bad values naming the variable', () => {
    expect(() => readBlasConfig({ TUNELAB_BLAS: 'yes' })).toThrow(
      /TUNELAB_BLAS="yes" is not one of auto, on, off/,
    );
    expect(() => readBlasConfig({ TUNELAB_BLAS_THREADS: '0' })).toThrow(/TUNELAB_BLAS_THREADS="0"/);
    expect(() => readBlasConfig({ TUNELAB_BLAS_THREADS: '1.5' })).toThrow(/whole number/);
  });
});

describe('defaultBlasThreads', () => {
  it('gives the training threads the cores: cores ÷ TUNELAB_THREADS, at least 1', () => {
    const cores = availableParallelism();
    expect(defaultBlasThreads({})).toBe(1);
    expect(defaultBlasThreads({ TUNELAB_THREADS: String(cores) })).toBe(1);
    expect(defaultBlasThreads({ TUNELAB_THREADS: '1' })).toBe(cores);
    expect(defaultBlasThreads({ TUNELAB_THREADS: String(cores * 4) })).toBe(1);
  });
});
