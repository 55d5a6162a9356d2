export {
  estimateTrainBytes,
  fitBatchToHeap,
  type MemoryShape,
  memorySnapshot,
  WASM_HEAP_BUDGET,
  WASM_HEAP_LIMIT,
} from './memory.ts';
export { BACKEND_NAMES, type BackendName, currentBackend, initBackend } from './select.ts';
export { ownsWasmData, wasmHeapView } from './wasm-heap.ts';
export { registerWasmKernels, wasmHeapBytes } from './wasm-kernels.ts';
