export {
  type DoctorReport,
  diagnose,
  ENGINE_NAMES,
  type EngineFact,
  type EngineName,
  type EngineSummary,
  engineLine,
  engineSummary,
  probeEngines,
  type SelfTestResult,
  type SpeedProbe,
  selfTest,
} from './doctor.ts';
export {
  estimateTrainBytes,
  fitBatchToHeap,
  type MemoryShape,
  memorySnapshot,
  WASM_HEAP_BUDGET,
  WASM_HEAP_LIMIT,
} from './memory.ts';
export {
  activeBlas,
  BLAS_MODES,
  type BlasConfig,
  type BlasMode,
  type BlasStatus,
  configureNativeBlas,
  defaultBlasThreads,
  nativeBlasStatus,
  readBlasConfig,
} from './native-blas.ts';
export { BACKEND_NAMES, type BackendName, currentBackend, initBackend } from './select.ts';
export { ownsWasmData, wasmHeapView } from './wasm-heap.ts';
export { registerWasmKernels, wasmHeapBytes } from './wasm-kernels.ts';
