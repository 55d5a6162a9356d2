// Benchmark `train-vs-native-peak`: achieved fine-tuning FLOP/s of bert-mini (batch 16 × 128,
// the default threads and kernels) ÷ the machine's native sgemm peak on all cores (2048³ through
// the native BLAS addon, or numpy/OpenBLAS when it is not built), both measured in this run:
// the peak before and after the training steps, the best of them kept.
// Target (issue 11): ratio ≥ 0.4.
import { availableParallelism } from 'node:os';
import { initBackend, nativeBlasStatus } from '@tunelab/core/backend';
import { presetConfig } from '@tunelab/core/bert';
import {
  dimsOf,
  median,
  nativeSgemmGflops,
  round,
  stepFlops,
  tuneLabStepSeconds,
  VOCAB,
} from './_training.ts';

export const name = 'train-vs-native-peak';

export async function run() {
  const backend = await initBackend();
  const config = presetConfig('mini', VOCAB);
  const flops = stepFlops(dimsOf(config));
  const before = nativeSgemmGflops();
  const steps = await tuneLabStepSeconds(config, 3);
  const after = nativeSgemmGflops();
  const peak = Math.max(before.gflops, after.gflops);
  const achieved = flops / median(steps) / 1e9;
  const best = flops / Math.min(...steps) / 1e9;
  const blas = nativeBlasStatus();
  return {
    name,
    backend,
    native_blas: blas.active ? `${blas.vendor} ×${blas.threads}` : 'off',
    ratio: round(achieved / peak),
    target_ratio: 0.4,
    ratio_best_step: round(best / peak),
    achieved_gflops: round(achieved, 1),
    native_peak_gflops: round(peak, 1),
    peak_via: before.via,
    model: 'bert-mini, batch 16 × 128',
    steps_timed: steps.length,
    cores: availableParallelism(),
  };
}

export default { name, run };
