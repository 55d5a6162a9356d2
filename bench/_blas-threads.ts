// Manual probe (not a benchmark): training step time with native BLAS off, on 1 thread and on all
// cores, alternating. `node --import tsx bench/_blas-threads.ts [tiny|mini] [steps] [rounds]`
import { availableParallelism } from 'node:os';
import { configureNativeBlas, initBackend } from '@tunelab/core/backend';
import { type BertPresetName, presetConfig } from '@tunelab/core/bert';
import { BATCH, median, SEQ, tuneLabStepSeconds, VOCAB } from './_training.ts';

const preset = (process.argv[2] ?? 'tiny') as BertPresetName;
const steps = Number(process.argv[3] ?? 3);
const rounds = Number(process.argv[4] ?? 2);
await initBackend('wasm', () => {});
const modes = [
  ['off', null],
  ['on', 1],
  ['on', availableParallelism()],
] as const;
const seen = new Map<string, number[]>();
for (let r = 0; r < rounds; r++) {
  for (const [mode, threads] of modes) {
    configureNativeBlas({ mode, threads });
    const key = `${mode}${threads ?? ''}`;
    const times = await tuneLabStepSeconds(presetConfig(preset, VOCAB), steps);
    seen.set(key, [...(seen.get(key) ?? []), ...times]);
    console.log(r, key, times.map((t) => t.toFixed(3)).join(' '));
  }
}
for (const [key, times] of seen) {
  console.log(
    key,
    'median step',
    median(times).toFixed(3),
    's',
    Math.round((BATCH * SEQ) / median(times)),
    'tokens/s',
  );
}
