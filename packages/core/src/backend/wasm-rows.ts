import * as tf from '@tensorflow/tfjs-core';
import { util } from '@tensorflow/tfjs-core';

// Row-wise gather for wasm in plain JS over the wasm heap: the stock GatherV2 copies element by
// element; copying whole contiguous rows with TypedArray.set is ~14× faster for embedding lookups.

interface HeapBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get: (dataId: object) => { memoryOffset: number } };
  makeOutput: (shape: number[], dtype: tf.DataType) => tf.TensorInfo;
}
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap };

function view(backend: HeapBackend, t: tf.TensorInfo, size: number): Float32Array {
  return new Float32Array(backend.wasm.HEAPU8.buffer, backend.dataIdMap.get(t.dataId).memoryOffset, size);
}

/** Gather whole rows (axis 0, no batch dims) of a float32 table; else the stock kernel. */
function makeGather(fallback: tf.KernelFunc) {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    const indices = args.inputs.indices as tf.TensorInfo;
    const axis = util.parseAxisParam(args.attrs.axis as number, x.shape)[0];
    if (
      x.dtype !== 'float32' ||
      axis !== 0 ||
      (args.attrs.batchDims as number) !== 0 ||
      indices.dtype !== 'int32'
    ) {
      return fallback(args as unknown as Parameters<tf.KernelFunc>[0]);
    }
    const backend = args.backend as HeapBackend;
    const n = util.sizeFromShape(indices.shape);
    const rows = x.shape[0] as number;
    const inner = util.sizeFromShape(x.shape.slice(1));
    const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], 'float32');
    const heap = backend.wasm.HEAPU8.buffer;
    const iv = new Int32Array(heap, backend.dataIdMap.get(indices.dataId).memoryOffset, n);
    const xv = view(backend, x, rows * inner);
    const ov = view(backend, out, n * inner);
    for (let i = 0; i < n; i++) {
      const id = iv[i] as number;
      if (id < 0 || id >= rows)
        throw new Error(`gather: index ${id} at position ${i} is outside [0, ${rows})`);
      ov.set(xv.subarray(id * inner, (id + 1) * inner), i * inner);
    }
    return out;
  };
}

/**
 * Swap of the last two axes (after dropping size-1 axes; leading axes are a batch) of a 4-byte
 * tensor in JS: each pass reads four source rows in step and writes four consecutive outputs.
 * The stock wasm kernel walks the output with a page-sized stride (~23 ns per element on
 * [2048, 1024]); 16×16 blocks took ~3.7 ns per element under load, four-row strips ~1 ns. It
 * serves the transposes that BatchMatMul materialises for weight gradients and attention.
 */
function makeTranspose(fallback: tf.KernelFunc) {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    const perm = args.attrs.perm as number[];
    const keptAxes = x.shape.map((d, i) => (d !== 1 ? i : -1)).filter((i) => i >= 0);
    const keptPerm = perm.filter((p) => x.shape[p] !== 1).map((p) => keptAxes.indexOf(p));
    const k = keptAxes.length;
    const swapsLastTwo =
      k >= 2 &&
      keptPerm[k - 2] === k - 1 &&
      keptPerm[k - 1] === k - 2 &&
      keptPerm.slice(0, k - 2).every((p, i) => p === i);
    const R = (x.shape[keptAxes[k - 2] ?? 0] as number) ?? 0;
    const C = (x.shape[keptAxes[k - 1] ?? 0] as number) ?? 0;
    if (!swapsLastTwo || (x.dtype !== 'float32' && x.dtype !== 'int32') || R * C < 4096) {
      return fallback(args as unknown as Parameters<tf.KernelFunc>[0]);
    }
    const batch = util.sizeFromShape(x.shape) / (R * C);
    const backend = args.backend as HeapBackend;
    const out = backend.makeOutput(
      perm.map((p) => x.shape[p] as number),
      x.dtype,
    );
    const heap = backend.wasm.HEAPU8.buffer;
    const size = batch * R * C;
    const src = new Int32Array(heap, backend.dataIdMap.get(x.dataId).memoryOffset, size);
    const dst = new Int32Array(heap, backend.dataIdMap.get(out.dataId).memoryOffset, size);
    const R4 = R - (R % 4);
    for (let b = 0; b < batch; b++) {
      const base = b * R * C;
      for (let i = 0; i < R4; i += 4) {
        const r0 = base + i * C;
        const r1 = r0 + C;
        const r2 = r1 + C;
        const r3 = r2 + C;
        for (let j = 0; j < C; j++) {
          const o = base + j * R + i;
          dst[o] = src[r0 + j] as number;
          dst[o + 1] = src[r1 + j] as number;
          dst[o + 2] = src[r2 + j] as number;
          dst[o + 3] = src[r3 + j] as number;
        }
      }
      for (let i = R4; i < R; i++) {
        const r = base + i * C;
        for (let j = 0; j < C; j++) dst[base + j * R + i] = src[r + j] as number;
      }
    }
    return out;
  };
}

/**
 * Sum over leading axes ([tokens, H] → [H]: every bias and LayerNorm gradient) as one row-major
 * pass in JS that adds each row into a float64 accumulator: 0.25 ms for [2048, 128] where the
 * stock kernel (its own slow 2-D transpose) or a blocked transpose plus an innermost-axis sum took
 * ~0.8 ms. Other reductions go to the stock kernel.
 */
function makeSum(fallback: tf.KernelFunc) {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    const rank = x.shape.length;
    const axes = util.parseAxisParam(args.attrs.axis as number | number[], x.shape).sort((p, q) => p - q);
    const leading = axes.length > 0 && axes.length < rank && axes.every((axis, i) => axis === i);
    if (x.dtype !== 'float32' || !leading) return fallback(args as unknown as Parameters<tf.KernelFunc>[0]);
    const rows = util.sizeFromShape(x.shape.slice(0, axes.length));
    const inner = util.sizeFromShape(x.shape.slice(axes.length));
    const backend = args.backend as HeapBackend;
    const keep = args.attrs.keepDims === true;
    const out = backend.makeOutput(
      keep ? [...axes.map(() => 1), ...x.shape.slice(axes.length)] : x.shape.slice(axes.length),
      'float32',
    );
    const xv = view(backend, x, rows * inner);
    const acc = new Float64Array(inner);
    // Four rows per pass: a quarter of the accumulator loads and stores (0.37 → 0.22 ms).
    const r4 = rows - (rows % 4);
    for (let r = 0; r < r4; r += 4) {
      const o0 = r * inner;
      const o1 = o0 + inner;
      const o2 = o1 + inner;
      const o3 = o2 + inner;
      for (let j = 0; j < inner; j++) {
        acc[j] =
          (acc[j] as number) +
          ((xv[o0 + j] as number) +
            (xv[o1 + j] as number) +
            ((xv[o2 + j] as number) + (xv[o3 + j] as number)));
      }
    }
    for (let r = r4; r < rows; r++) {
      const o = r * inner;
      for (let j = 0; j < inner; j++) acc[j] = (acc[j] as number) + (xv[o + j] as number);
    }
    view(backend, out, inner).set(acc);
    return out;
  };
}

/**
 * Identity, and Cast to the same dtype, as a shared reference (reference count +1, as wasm's own
 * Reshape and the cpu backend's Identity do) instead of a copy: backprop runs ~100 of them per
 * bert-tiny step ([2048, 128] float32 each, ~13 ms of copies). Tensors stay immutable; code
 * that writes in place (the fused AdamW) checks that the reference count is 1.
 */
function makeShare(fallback: tf.KernelFunc) {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    const dtype = (args.attrs?.dtype as tf.DataType | undefined) ?? x.dtype;
    if (x.dtype === 'string' || dtype !== x.dtype) {
      return fallback(args as unknown as Parameters<tf.KernelFunc>[0]);
    }
    (args.backend as { incRef: (dataId: object) => void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
}

/** Replaces wasm's GatherV2, Identity, Cast, last-two-axes Transpose and leading-axis Sum with the versions above (stock kernels as fallback). */
export function registerRowKernels(): void {
  const replace = (name: string, make: (stock: tf.KernelFunc) => (args: KernelArgs) => tf.TensorInfo) => {
    const stock = tf.getKernel(name, 'wasm');
    if (stock === undefined) return;
    tf.unregisterKernel(name, 'wasm');
    // The stock kernel's setup (its cwrap) already ran when the backend initialised.
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: make(stock.kernelFunc) as unknown as tf.KernelFunc,
    });
  };
  replace('GatherV2', (stock) => makeGather(stock) as (args: KernelArgs) => tf.TensorInfo);
  replace('Identity', (stock) => makeShare(stock) as (args: KernelArgs) => tf.TensorInfo);
  replace('Cast', (stock) => makeShare(stock) as (args: KernelArgs) => tf.TensorInfo);
  const stockTranspose = tf.getKernel('Transpose', 'wasm');
  if (stockTranspose === undefined) return;
  const transpose = makeTranspose(stockTranspose.kernelFunc) as (args: KernelArgs) => tf.TensorInfo;
  replace('Transpose', () => transpose);
  replace('Sum', (stock) => makeSum(stock) as (args: KernelArgs) => tf.TensorInfo);
}
