import { describe, expect, it } from 'vitest';
import { runThreads } from './count.ts';

describe('runThreads', () => {
  it('uses every core by default and shares them between concurrent jobs', () => {
    expect(runThreads({ cores: 16 })).toBe(16);
    expect(runThreads({ cores: 16, concurrency: 4 })).toBe(4);
    expect(runThreads({ cores: 2, concurrency: 3 })).toBe(1);
  });

  it('takes a request but never more than the cores ÷ concurrency; native backends get 1', () => {
    expect(runThreads({ cores: 8, requested: 3 })).toBe(3);
    expect(runThreads({ cores: 8, concurrency: 2, requested: 6 })).toBe(4);
    expect(runThreads({ cores: 8, backend: 'wasm' })).toBe(8);
    expect(runThreads({ cores: 8, backend: 'tensorflow' })).toBe(1);
  });
});
