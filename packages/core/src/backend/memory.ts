import * as tf from '@tensorflow/tfjs-core';
import { wasmHeapBytes } from './wasm-kernels.ts';

/** The dimensions a memory estimate needs (HF config field names). */
export interface MemoryShape {
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  max_position_embeddings: number;
}

/** wasm32 cannot address more than 4 GiB; results go silently wrong near the cap, so stay well below. */
export const WASM_HEAP_LIMIT = 4 * 1024 ** 3;
export const WASM_HEAP_BUDGET = 3 * 1024 ** 3;

/**
 * Rough bytes a training step needs: parameters ×4 (weights, gradients, Adam m and v) plus the
 * activations kept for backprop, per layer ≈ 20·T·H + 6·T·I + 4·B·heads·L² floats (T = B·L tokens),
 * times `fragmentation` because the wasm heap grows well past the live tensors (malloc never returns
 * memory to the system and freed blocks are reused imperfectly; bert-mini batch 16 × 128: 1.8 GB heap, estimate 1.75 GB).
 */
export function estimateTrainBytes(
  c: MemoryShape,
  batchSize: number,
  seqLen: number,
  fragmentation = 3.5,
): number {
  const H = c.hidden_size;
  const I = c.intermediate_size;
  const params =
    (c.vocab_size + c.max_position_embeddings + 2) * H +
    c.num_hidden_layers * (4 * H * H + 2 * H * I + 9 * H + I);
  const T = batchSize * seqLen;
  const perLayer = 20 * T * H + 6 * T * I + 4 * batchSize * c.num_attention_heads * seqLen * seqLen;
  const activations = c.num_hidden_layers * perLayer + 6 * T * H;
  return 4 * (4 * params + fragmentation * activations);
}

/**
 * Largest batch size ≤ `batchSize` whose training step fits the wasm heap budget, so callers can
 * shrink (for example with gradient accumulation) instead of crashing. Throws when even a batch of
 * one does not fit. Backends other than wasm have no such cap and get `batchSize` back.
 */
export function fitBatchToHeap(
  c: MemoryShape,
  batchSize: number,
  seqLen: number,
  backend = tf.getBackend(),
): number {
  if (backend !== 'wasm') return batchSize;
  for (let b = batchSize; b >= 1; b = Math.floor(b / 2)) {
    if (estimateTrainBytes(c, b, seqLen) <= WASM_HEAP_BUDGET) return b;
  }
  const need = estimateTrainBytes(c, 1, seqLen) / 1024 ** 3;
  throw new Error(
    `model too large for the wasm heap: one sequence of ${seqLen} tokens needs about ${need.toFixed(2)} GiB ` +
      `(budget ${(WASM_HEAP_BUDGET / 1024 ** 3).toFixed(0)} GiB); use a shorter --max-length or a native backend`,
  );
}

/** Current wasm heap size in bytes (0 on other backends), and live tensor bytes. */
export function memorySnapshot(): { heapBytes: number; liveBytes: number; numTensors: number } {
  const m = tf.memory();
  return { heapBytes: wasmHeapBytes(), liveBytes: m.numBytes, numTensors: m.numTensors };
}
