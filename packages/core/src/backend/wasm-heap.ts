import * as tf from '@tensorflow/tfjs-core';

// Direct access to a float32 tensor's bytes on the wasm heap, for plain-JS loops that replace a
// chain of tfjs elementwise kernels (each of which reads and writes the whole tensor once).

interface HeapBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get: (dataId: object) => { memoryOffset: number } | undefined };
  refCount: (dataId: object) => number;
}

function heapBackend(): HeapBackend | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const b = tf.backend() as unknown as Partial<HeapBackend>;
  if (b.wasm === undefined || b.dataIdMap === undefined || typeof b.refCount !== 'function') return undefined;
  return b as HeapBackend;
}

/**
 * A Float32Array over the tensor's data on the wasm heap, or undefined when the active backend is
 * not wasm or the tensor is not float32. The view is detached by any later wasm allocation that
 * grows the heap: take it right before use, after every allocation.
 */
export function wasmHeapView(t: tf.Tensor): Float32Array | undefined {
  const b = heapBackend();
  if (b === undefined || t.dtype !== 'float32' || t.isDisposed) return undefined;
  const info = b.dataIdMap.get(t.dataId);
  if (info === undefined) return undefined;
  return new Float32Array(b.wasm.HEAPU8.buffer, info.memoryOffset, t.size);
}

/** True when no other tensor shares this tensor's data (reshapes and assigns share), so it may be written in place. */
export function ownsWasmData(t: tf.Tensor): boolean {
  const b = heapBackend();
  return b !== undefined && b.refCount(t.dataId) === 1;
}
