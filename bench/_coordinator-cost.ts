// Times the coordinating thread's share of a data-parallel bert-mini step (2 threads): summing two
// gradient regions into tensors, the global norm, AdamW, and writing the weights to a shared buffer.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@tunelab/core/backend';
import { BertModel, isDecayed, presetConfig } from '@tunelab/core/bert';
import { AdamW, clipScale, globalNorm } from '@tunelab/core/train';

await initBackend('wasm', () => {});
const model = BertModel.random(presetConfig('mini', 30522), { head: 'regression', seed: 1 });
const total = [...model.params.values()].reduce((s, v) => s + v.size, 0);
const regions = [
  new Float32Array(new SharedArrayBuffer(total * 4)),
  new Float32Array(new SharedArrayBuffer(total * 4)),
];
for (const r of regions) for (let i = 0; i < r.length; i++) r[i] = (i % 97) * 1e-5;
const weights = new Float32Array(new SharedArrayBuffer(total * 4));
const opt = new AdamW(model.params, 0.01, isDecayed);
for (let rep = 0; rep < 4; rep++) {
  const t0 = performance.now();
  const grads = new Map<string, tf.Tensor>();
  let off = 0;
  for (const [name, v] of model.params) {
    const t = tf.tensor((regions[0] as Float32Array).slice(off, off + v.size), v.shape, 'float32');
    const acc = t.dataSync() as Float32Array; // stands in for the heap view
    const b = (regions[1] as Float32Array).subarray(off, off + v.size);
    for (let j = 0; j < acc.length; j++) acc[j] = (acc[j] as number) + (b[j] as number);
    grads.set(name, t);
    off += v.size;
  }
  const t1 = performance.now();
  opt.apply(grads, 1e-4, clipScale(globalNorm(grads), 1));
  for (const g of grads.values()) g.dispose();
  const t2 = performance.now();
  off = 0;
  for (const v of model.params.values()) {
    weights.set(v.dataSync() as Float32Array, off);
    off += v.size;
  }
  const t3 = performance.now();
  console.log(
    JSON.stringify({
      params: total,
      sum_ms: Math.round(t1 - t0),
      norm_adam_ms: Math.round(t2 - t1),
      weights_ms: Math.round(t3 - t2),
    }),
  );
}
