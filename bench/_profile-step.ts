// Developer tool, not a benchmark (the harness skips files starting with "_"): per-kernel profile
// of one training step, `node --import tsx bench/_profile-step.ts tiny|mini`.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@tunelab/core/backend';
import { BertModel, batchTensors, classify, presetConfig, Rng } from '@tunelab/core/bert';

await initBackend('wasm');
const preset = (process.argv[2] ?? 'tiny') as 'tiny' | 'mini';
const c = presetConfig(preset, 30522);
const model = BertModel.random(c, { head: 'regression', seed: 1 });
const rng = new Rng(1);
const B = 16,
  L = 128;
const ids = Array.from({ length: B }, () => Array.from({ length: L }, () => 5 + rng.int(30000)));
const mask = ids.map((r) => r.map(() => 1));
const vars = [...model.params.values()];
const step = () => {
  const { value, grads } = tf.variableGrads(() => {
    const logits = classify(model, batchTensors(ids, mask), {
      hiddenDropout: 0.1,
      attentionDropout: 0.1,
      nextSeed: () => rng.nextSeed(),
    });
    return tf.mean(tf.square(logits)) as tf.Scalar;
  }, vars);
  value.dataSync();
  value.dispose();
  for (const g of Object.values(grads)) g.dispose();
};
step();
for (let i = 0; i < 2; i++) {
  const t0 = performance.now();
  step();
  console.log('step ms', (performance.now() - t0).toFixed(0));
}
const info = await tf.profile(() => {
  step();
});
const byName = new Map<string, number>();
for (const k of info.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + (k.kernelTimeMs as number));
console.log(
  [...byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([n, ms]) => `${n} ${ms.toFixed(0)}`)
    .join(' | '),
);
const agg = new Map<string, { ms: number; n: number }>();
for (const k of info.kernels) {
  const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
  const e = agg.get(key) ?? { ms: 0, n: 0 };
  e.ms += k.kernelTimeMs as number;
  e.n++;
  agg.set(key, e);
}
console.log(
  [...agg]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 14)
    .map(([k, e]) => `${e.ms.toFixed(1)}ms x${e.n} ${k}`)
    .join('\n'),
);
