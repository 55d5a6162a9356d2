import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { estimateTrainBytes, fitBatchToHeap } from './memory.ts';
import { initBackend } from './select.ts';

describe('initBackend', () => {
  it('rejects an unknown TUNELAB_BACKEND value by name', async () => {
    await expect(initBackend('tpu', () => {})).rejects.toThrow(/TUNELAB_BACKEND="tpu"/);
  });

  it('fails loudly when a forced native backend is not installed', async () => {
    // tfjs-node cannot install here (optional dependency); the fallback must not hide a forced choice.
    await expect(initBackend('node-gpu', () => {})).rejects.toThrow(/could not be loaded/);
  });

  it('selects and logs the forced backend', async () => {
    const lines: string[] = [];
    expect(await initBackend('cpu', (l) => lines.push(l))).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(lines).toEqual(['tunelab: tfjs backend cpu']);
  });
});

describe('heap guard', () => {
  const mini = {
    vocab_size: 30522,
    hidden_size: 256,
    num_hidden_layers: 4,
    num_attention_heads: 4,
    intermediate_size: 1024,
    max_position_embeddings: 512,
  };
  it('keeps bert-mini at batch 16 × 128 and shrinks a huge batch', () => {
    expect(fitBatchToHeap(mini, 16, 128, 'wasm')).toBe(16);
    expect(fitBatchToHeap(mini, 1024, 512, 'wasm')).toBeLessThan(1024);
    expect(fitBatchToHeap(mini, 1024, 512, 'cpu')).toBe(1024);
  });
  it('refuses with a message when one sequence cannot fit', () => {
    const huge = { ...mini, hidden_size: 4096, intermediate_size: 16384, num_hidden_layers: 48 };
    expect(() => fitBatchToHeap(huge, 8, 4096, 'wasm')).toThrow(/too large for the wasm heap/);
  });
  it('grows with batch size', () => {
    expect(estimateTrainBytes(mini, 32, 128)).toBeGreaterThan(estimateTrainBytes(mini, 16, 128));
  });
});
