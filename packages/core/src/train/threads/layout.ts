import type * as tf from '@tensorflow/tfjs-core';

/** Where each named tensor lives in a flat float32 buffer shared between threads. */
export interface FlatLayout {
  names: string[];
  shapes: number[][];
  /** Offsets in floats. */
  offsets: number[];
  /** Floats in all. */
  total: number;
}

export function flatLayout(tensors: ReadonlyMap<string, tf.Tensor>, names: readonly string[]): FlatLayout {
  const shapes: number[][] = [];
  const offsets: number[] = [];
  let total = 0;
  for (const name of names) {
    const t = tensors.get(name);
    if (t === undefined) throw new Error(`flatLayout: no tensor ${name}`);
    shapes.push([...t.shape]);
    offsets.push(total);
    total += t.size;
  }
  return { names: [...names], shapes, offsets, total };
}

/** The float32 view of tensor `i` of the layout inside `buffer`, starting `base` floats in. */
export function layoutView(buffer: SharedArrayBuffer, layout: FlatLayout, i: number, base = 0): Float32Array {
  const size = (layout.shapes[i] as number[]).reduce((a, b) => a * b, 1);
  return new Float32Array(buffer, (base + (layout.offsets[i] as number)) * 4, size);
}
