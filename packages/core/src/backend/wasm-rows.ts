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
 * 2-D transpose (after dropping size-1 axes) of a 4-byte tensor as a cache-blocked JS loop: the
 * stock wasm kernel walks the output with a page-sized stride and takes ~23 ns per element on
 * [2048, 1024] (48 ms) where 16×16 blocks take ~2 ns (4.6 ms). It serves the transposes that
 * BatchMatMul materialises for weight gradients and attention.
 */
function makeTranspose(fallback: tf.KernelFunc) {
  return (args: KernelArgs) => {
    const x = args.inputs.x as tf.TensorInfo;
    const perm = args.attrs.perm as number[];
    const kept = x.shape.map((d, i) => [d, i] as const).filter(([d]) => d !== 1);
    const keptPerm = perm.filter((p) => x.shape[p] !== 1);
    const is2d = kept.length === 2 && keptPerm[0] === kept[1]?.[1] && keptPerm[1] === kept[0]?.[1];
    const R = kept[0]?.[0] ?? 0;
    const C = kept[1]?.[0] ?? 0;
    if (!is2d || (x.dtype !== 'float32' && x.dtype !== 'int32') || R * C < 4096) {
      return fallback(args as unknown as Parameters<tf.KernelFunc>[0]);
    }
    const backend = args.backend as HeapBackend;
    const out = backend.makeOutput(
      perm.map((p) => x.shape[p] as number),
      x.dtype,
    );
    const heap = backend.wasm.HEAPU8.buffer;
    const src = new Int32Array(heap, backend.dataIdMap.get(x.dataId).memoryOffset, R * C);
    const dst = new Int32Array(heap, backend.dataIdMap.get(out.dataId).memoryOffset, R * C);
    const B = 16;
    for (let i0 = 0; i0 < R; i0 += B) {
      const iMax = Math.min(i0 + B, R);
      for (let j0 = 0; j0 < C; j0 += B) {
        const jMax = Math.min(j0 + B, C);
        for (let j = j0; j < jMax; j++) {
          const o = j * R;
          for (let i = i0; i < iMax; i++) dst[o + i] = src[i * C + j] as number;
        }
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
    for (let r = 0; r < rows; r++) {
      const o = r * inner;
      for (let j = 0; j < inner; j++) acc[j] = (acc[j] as number) + (xv[o + j] as number);
    }
    view(backend, out, inner).set(acc);
    return out;
  };
}

/** Replaces wasm's GatherV2, 2-D Transpose and leading-axis Sum with the versions above (stock kernels as fallback). */
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
  const stockTranspose = tf.getKernel('Transpose', 'wasm');
  if (stockTranspose === undefined) return;
  const transpose = makeTranspose(stockTranspose.kernelFunc) as (args: KernelArgs) => tf.TensorInfo;
  replace('Transpose', () => transpose);
  replace('Sum', (stock) => makeSum(stock) as (args: KernelArgs) => tf.TensorInfo);
}
