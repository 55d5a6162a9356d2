import * as tf from '@tensorflow/tfjs-core';
import { ownsWasmData, wasmHeapView } from '../../backend/wasm-heap.ts';

/** A float32 tensor's values: a view of the wasm heap when possible (use at once), else a copy. */
export function readTensor(t: tf.Tensor): Float32Array {
  return wasmHeapView(t) ?? (t.dataSync() as Float32Array);
}

/** Overwrites a variable's values from `src` (in place on the wasm heap when it owns its data). */
export function writeVariable(v: tf.Variable, src: Float32Array): void {
  const view = ownsWasmData(v) ? wasmHeapView(v) : undefined;
  if (view !== undefined && view.length === src.length) {
    view.set(src);
    return;
  }
  // A copy: the cpu backend keeps the array it is given, and `src` may be shared memory.
  tf.tidy(() => v.assign(tf.tensor(src.slice(), v.shape, 'float32')));
}
