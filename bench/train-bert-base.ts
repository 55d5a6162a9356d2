// Benchmark `train-bert-base`: fine-tuning bert-base (12 layers × 768, 12 heads, I 3072, vocab
// 30,522) at batch 16 × 128 with the default threads and kernels: step time, tokens/s, achieved
// GFLOP/s and the process's peak RSS. Few steps (one warm-up, two timed) so it runs in minutes.
import { availableParallelism } from 'node:os';
import { initBackend, memorySnapshot, nativeBlasStatus } from '@tunelab/core/backend';
import { presetConfig } from '@tunelab/core/bert';
import { BATCH, dimsOf, median, round, SEQ, stepFlops, tuneLabStepSeconds, VOCAB } from './_training.ts';

export const name = 'train-bert-base';

export async function run(steps = 2) {
  const backend = await initBackend();
  const config = {
    ...presetConfig('mini', VOCAB),
    hidden_size: 768,
    num_hidden_layers: 12,
    num_attention_heads: 12,
    intermediate_size: 3072,
  };
  const t0 = performance.now();
  const times = await tuneLabStepSeconds(config, steps);
  const wall = (performance.now() - t0) / 1000;
  const step = median(times);
  const blas = nativeBlasStatus();
  return {
    name,
    backend,
    native_blas: blas.active ? `${blas.vendor} ×${blas.threads}` : 'off',
    step_seconds: round(step),
    tokens_per_s: Math.round((BATCH * SEQ) / step),
    achieved_gflops: round(stepFlops(dimsOf(config)) / step / 1e9, 1),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    wasm_heap_mb: Math.round(memorySnapshot().heapBytes / 2 ** 20),
    steps_timed: times.length,
    batch: BATCH,
    seq_len: SEQ,
    cores: availableParallelism(),
    wall_seconds: round(wall, 1),
  };
}

export default { name, run };
