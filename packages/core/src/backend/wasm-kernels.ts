import * as tf from '@tensorflow/tfjs-core';
import { broadcast_util, util } from '@tensorflow/tfjs-core';
import { activeBlas, configureNativeBlas } from './native-blas.ts';
import { registerRowKernels } from './wasm-rows.ts';

// The wasm backend's private surface that the kernels below use. tfjs does not export a type for
// it, so the shape is declared here and checked at run time in `wasmOf`.
interface WasmModule {
  HEAPU8: Uint8Array;
  cwrap: (name: string, ret: null, args: string[]) => (...args: unknown[]) => void;
  tfjs: {
    registerTensor: (id: number, size: number, offset: number) => void;
    disposeData: (id: number) => void;
  };
}
interface WasmBackend {
  wasm: WasmModule;
  dataIdNextNumber: number;
  dataIdMap: { get: (dataId: object) => { id: number; memoryOffset: number } };
  makeOutput: (shape: number[], dtype: tf.DataType) => tf.TensorInfo;
  disposeData: (dataId: object) => boolean;
}

function wasmOf(backend: unknown): WasmBackend {
  const b = backend as Partial<WasmBackend>;
  if (b.wasm === undefined || b.dataIdMap === undefined || typeof b.makeOutput !== 'function') {
    throw new Error('wasm kernels: backend does not look like tfjs-backend-wasm 4.22');
  }
  return b as WasmBackend;
}

const F32 = 4;

/**
 * UnsortedSegmentSum (scatter-add): out[segmentIds[i], :] += x[i, :]. The wasm backend lacks it, and
 * tf.gather's gradient needs it, so without it embeddings cannot be trained on wasm.
 * Ids outside [0, numSegments) are dropped, as in TensorFlow.
 */
function unsortedSegmentSum(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs: tf.NamedAttrMap;
}) {
  const backend = wasmOf(args.backend);
  const x = args.inputs.x as tf.TensorInfo;
  const ids = args.inputs.segmentIds as tf.TensorInfo;
  const numSegments = args.attrs.numSegments as number;
  if (x.dtype !== 'float32') throw new Error(`UnsortedSegmentSum (wasm): x must be float32, got ${x.dtype}`);
  const rows = util.sizeFromShape(ids.shape);
  const inner = rows === 0 ? 0 : util.sizeFromShape(x.shape) / rows;
  const outShape = [numSegments, ...x.shape.slice(ids.shape.length)];
  const out = backend.makeOutput(outShape, 'float32');
  // Views are taken after makeOutput: a malloc may grow (and so detach) the heap buffer.
  const heap = backend.wasm.HEAPU8.buffer;
  const xv = new Float32Array(heap, backend.dataIdMap.get(x.dataId).memoryOffset, rows * inner);
  const idOffset = backend.dataIdMap.get(ids.dataId).memoryOffset;
  const iv =
    ids.dtype === 'int32' ? new Int32Array(heap, idOffset, rows) : new Float32Array(heap, idOffset, rows);
  const ov = new Float32Array(heap, backend.dataIdMap.get(out.dataId).memoryOffset, numSegments * inner);
  ov.fill(0);
  for (let r = 0; r < rows; r++) {
    const seg = iv[r] as number;
    if (seg < 0 || seg >= numSegments) continue;
    const o = seg * inner;
    const s = r * inner;
    for (let j = 0; j < inner; j++) ov[o + j] = (ov[o + j] as number) + (xv[s + j] as number);
  }
  return out;
}

type RawMatMul = (
  aId: number,
  aShape: Uint8Array,
  aRank: number,
  bId: number,
  bShape: Uint8Array,
  bRank: number,
  transposeA: boolean,
  transposeB: boolean,
  outId: number,
) => void;
const rawMatMuls = new WeakMap<object, RawMatMul>();

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

/**
 * BatchMatMul through the native BLAS when it is on (one sgemm per product, on the heap), else one
 * that always reaches XNNPACK: tfjs-backend-wasm only uses XNNPACK for one product with
 * no transposes and falls back to a naive loop otherwise (all of backprop, all of attention). Here a
 * transposed operand is materialised once with the Transpose kernel, and each product of the batch
 * runs as its own 2-D call on zero-copy views registered at offsets into the operands' memory.
 */
function batchMatMul(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }) {
  const backend = wasmOf(args.backend);
  const a = args.inputs.a as tf.TensorInfo;
  const b = args.inputs.b as tf.TensorInfo;
  const transposeA = args.attrs.transposeA as boolean;
  const transposeB = args.attrs.transposeB as boolean;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new Error(`BatchMatMul (wasm): float32 operands required, got ${a.dtype} and ${b.dtype}`);
  }
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = a.shape[transposeA ? ra - 1 : ra - 2] as number;
  const k = a.shape[transposeA ? ra - 2 : ra - 1] as number;
  const kb = b.shape[transposeB ? rb - 1 : rb - 2] as number;
  const n = b.shape[transposeB ? rb - 2 : rb - 1] as number;
  if (k !== kb) {
    throw new Error(
      `matMul: inner sizes differ (${k} vs ${kb}) for shapes [${a.shape}] and [${b.shape}], transposeA=${transposeA}, transposeB=${transposeB}`,
    );
  }
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  const outOuter = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batch = util.sizeFromShape(outOuter);
  if (!(batchA === batchB || batchA === 1 || batchB === 1)) {
    throw new Error(`BatchMatMul (wasm): batch broadcast of [${a.shape}] with [${b.shape}] is not supported`);
  }
  const blas = activeBlas();
  if (blas !== null) {
    // Native BLAS (packages/native-blas) on the heap itself: transposes and broadcasts are strides.
    const out = backend.makeOutput([batch, m, n], 'float32');
    // Views are taken after makeOutput: a malloc may grow (and so detach) the heap buffer.
    const heap = backend.wasm.HEAPU8.buffer;
    const view = (t: tf.TensorInfo, size: number) =>
      new Float32Array(heap, backend.dataIdMap.get(t.dataId).memoryOffset, size);
    const av = view(a, batchA * m * k);
    const bv = view(b, batchB * k * n);
    const ov = view(out, batch * m * n);
    if (batchB === 1 && !transposeA) {
      // One weight matrix for every batch entry: a single [batch·m, k] × [k, n] product.
      blas.sgemm(av, bv, ov, 1, batchA * m, n, k, false, transposeB, 0, 0);
    } else {
      blas.sgemm(
        av,
        bv,
        ov,
        batch,
        m,
        n,
        k,
        transposeA,
        transposeB,
        batchA === 1 ? 0 : m * k,
        batchB === 1 ? 0 : k * n,
      );
    }
    return { dataId: out.dataId, shape: [...outOuter, m, n], dtype: out.dtype };
  }
  const raw = rawMatMulOf(backend);
  const transposeKernel = tf.getKernel('Transpose', 'wasm');
  if (transposeKernel === undefined) throw new Error('BatchMatMul (wasm): Transpose kernel missing');
  const temps: tf.TensorInfo[] = [];
  const materialise = (x: tf.TensorInfo, batchX: number, rows: number, cols: number): tf.TensorInfo => {
    // x holds [batchX, cols, rows]; produce [batchX, rows, cols].
    const view = { dataId: x.dataId, shape: [batchX, cols, rows], dtype: x.dtype };
    const t = transposeKernel.kernelFunc({
      inputs: { x: view },
      backend: args.backend as tf.KernelBackend,
      attrs: { perm: [0, 2, 1] },
    }) as tf.TensorInfo;
    temps.push(t);
    return t;
  };
  if (transposeA && !transposeB && batch === 1 && n > m) {
    // Aᵀ·B with the wider operand as XNNPACK's weights packs more than it multiplies: compute
    // (Bᵀ·A)ᵀ instead ([2048,128]ᵀ·[2048,512]: 15.8 → 11.7 ms), the last transpose being [n, m].
    const bt = materialise(b, 1, n, k);
    const outT = backend.makeOutput([n, m], 'float32');
    const va = backend.dataIdNextNumber++;
    backend.wasm.tfjs.registerTensor(va, k * m, backend.dataIdMap.get(a.dataId).memoryOffset);
    const btId = backend.dataIdMap.get(bt.dataId).id;
    const outTId = backend.dataIdMap.get(outT.dataId).id;
    raw(btId, shapeBytes([1, n, k]), 3, va, shapeBytes([1, k, m]), 3, false, false, outTId);
    backend.wasm.tfjs.disposeData(va);
    temps.push(outT);
    const out = transposeKernel.kernelFunc({
      inputs: { x: { ...outT, shape: [n, m] } },
      backend: args.backend as tf.KernelBackend,
      attrs: { perm: [1, 0] },
    }) as tf.TensorInfo;
    for (const t of temps) backend.disposeData(t.dataId);
    return { dataId: out.dataId, shape: [...outOuter, m, n], dtype: out.dtype };
  }
  const aa = transposeA ? materialise(a, batchA, m, k) : a;
  const bb = transposeB ? materialise(b, batchB, k, n) : b;
  const out = backend.makeOutput([batch, m, n], 'float32');
  const aId = backend.dataIdMap.get(aa.dataId).id;
  const outId = backend.dataIdMap.get(out.dataId).id;
  if (batchB === 1) {
    // One weight matrix for every batch entry: a single [batch·m, k] × [k, n] product. b goes in
    // under a temporary id: XNNPACK caches its packed copy of b by tensor id until that id is
    // disposed, and a tensor written in place (the fused AdamW updates θ in place) would
    // otherwise be multiplied with its stale packed values.
    const vb = backend.dataIdNextNumber++;
    backend.wasm.tfjs.registerTensor(vb, k * n, backend.dataIdMap.get(bb.dataId).memoryOffset);
    raw(aId, shapeBytes([1, batchA * m, k]), 3, vb, shapeBytes([1, k, n]), 3, false, false, outId);
    backend.wasm.tfjs.disposeData(vb);
  } else {
    const aOff = backend.dataIdMap.get(aa.dataId).memoryOffset;
    const bOff = backend.dataIdMap.get(bb.dataId).memoryOffset;
    const oOff = backend.dataIdMap.get(out.dataId).memoryOffset;
    const aShape = shapeBytes([1, m, k]);
    const bShape = shapeBytes([1, k, n]);
    const { tfjs } = backend.wasm;
    for (let i = 0; i < batch; i++) {
      const ia = batchA === 1 ? 0 : i;
      const va = backend.dataIdNextNumber++;
      const vb = backend.dataIdNextNumber++;
      const vo = backend.dataIdNextNumber++;
      tfjs.registerTensor(va, m * k, aOff + ia * m * k * F32);
      tfjs.registerTensor(vb, k * n, bOff + i * k * n * F32);
      tfjs.registerTensor(vo, m * n, oOff + i * m * n * F32);
      raw(va, aShape, 3, vb, bShape, 3, false, false, vo);
      // Unregisters the views (and XNNPACK's operator cached for vb) without freeing memory.
      tfjs.disposeData(va);
      tfjs.disposeData(vb);
      tfjs.disposeData(vo);
    }
  }
  for (const t of temps) backend.disposeData(t.dataId);
  return { dataId: out.dataId, shape: [...outOuter, m, n], dtype: out.dtype };
}

function rawMatMulOf(backend: WasmBackend): RawMatMul {
  let raw = rawMatMuls.get(backend.wasm);
  if (raw === undefined) {
    raw = backend.wasm.cwrap('BatchMatMul', null, [
      'number',
      'array',
      'number',
      'number',
      'array',
      'number',
      'number',
      'number',
      'number',
    ]) as unknown as RawMatMul;
    rawMatMuls.set(backend.wasm, raw);
  }
  return raw;
}

let registered = false;

/**
 * Registers the wasm kernels above (idempotent) and turns the native BLAS path on when the addon
 * is built (TUNELAB_BLAS). Called by initBackend when wasm is chosen.
 */
export function registerWasmKernels(): void {
  if (registered) return;
  configureNativeBlas();
  registered = true;
  registerRowKernels();
  if (tf.getKernel('BatchMatMul', 'wasm') !== undefined) tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({
    kernelName: 'BatchMatMul',
    backendName: 'wasm',
    kernelFunc: batchMatMul as unknown as tf.KernelFunc,
  });
  if (tf.getKernel('UnsortedSegmentSum', 'wasm') === undefined) {
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName: 'wasm',
      kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
    });
  }
}

/** Bytes of the wasm heap (it only grows); 0 on other backends. */
export function wasmHeapBytes(): number {
  if (tf.getBackend() !== 'wasm') return 0;
  return wasmOf(tf.backend()).wasm.HEAPU8.buffer.byteLength;
}
