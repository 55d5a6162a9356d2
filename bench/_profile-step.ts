// Developer tool, not a benchmark (the harness skips files starting with "_"): per-kernel profile
// of one training step, `node --import tsx bench/_profile-step.ts tiny|mini [abRounds] [top]`
// (abRounds > 0: time the step alternately with the tfjs (A) and fused (B) AdamW instead).
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@tunelab/core/backend';
import { BertModel, batchTensors, classify, presetConfig, Rng } from '@tunelab/core/bert';
import { AdamW, clipScale, globalNorm } from '../packages/core/src/train/optimizer.ts';

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
const names = [...model.params.keys()];
const opt = new AdamW(model.params, 0.01, (n) => !n.endsWith('bias'));
// `A=1` in the environment: time the step with variant A (fused off) and B alternately.
const step = (fused = true) => {
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
  const byName = new Map(names.map((n) => [n, grads[model.params.get(n)?.name ?? ''] as tf.Tensor]));
  opt.fused = fused;
  opt.apply(byName, 1e-4, clipScale(globalNorm(byName), 1));
  for (const g of Object.values(grads)) g.dispose();
};
const abRounds = Number(process.argv[3] ?? 0);
if (abRounds > 0) {
  const ab: Record<string, number[]> = { A: [], B: [] };
  step();
  for (let i = 0; i < abRounds; i++) {
    for (const k of i % 2 ? ['A', 'B'] : ['B', 'A']) {
      const t0 = performance.now();
      step(k === 'B');
      ab[k]?.push(performance.now() - t0);
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]?.toFixed(0);
  console.log('A (tfjs adam) median', med(ab.A ?? []), 'min', Math.min(...(ab.A ?? [])).toFixed(0));
  console.log('B (fused adam) median', med(ab.B ?? []), 'min', Math.min(...(ab.B ?? [])).toFixed(0));
  console.log('tensors', tf.memory().numTensors);
  process.exit(0);
}
step();
for (let i = 0; i < 2; i++) {
  const t0 = performance.now();
  step();
  console.log('step ms', (performance.now() - t0).toFixed(0));
}
const info = await tf.profile(() => {
  step();
});
let totalKernelMs = 0;
for (const k of info.kernels) totalKernelMs += k.kernelTimeMs as number;
console.log(
  'kernel ms (nested kernels counted twice)',
  totalKernelMs.toFixed(0),
  'of a',
  info.kernels.length,
  '-kernel step',
);
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
    .slice(0, Number(process.argv[4] ?? 14))
    .map(([k, e]) => `${e.ms.toFixed(1)}ms x${e.n} ${k}`)
    .join('\n'),
);
