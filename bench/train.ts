// Benchmark `train`: fine-tuning throughput of bert-tiny (2×128, 2 heads, I 512) and bert-mini
// (4×256, 4 heads, I 1024) at batch 16 × 128 tokens through the real training loop (fineTune:
// dropout, AdamW, clipping), against the same backend's large-matmul peak measured in the same run.
// FLOPs per step = tokens × (6·Σ_layers(4H² + 2H·I) + 12·layers·L·H): the dense products three
// times (forward, two backward products) and the attention score/context products.
// Targets: mfu_vs_backend_peak ≥ 0.5 (tiny), ≥ 0.6 (mini); bert-mini must stay well below 4 GB heap.
// Both run on the default data-parallel threads (`threads`: every core); the peak they are held
// against is then one thread's matmul peak × threads (each thread is one wasm instance on one core).
// `train-scaling` (bench/train-scaling.ts) measures how the threads scale.
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, memorySnapshot } from '@tunelab/core/backend';
import { BERT_PRESETS, BertModel, type BertPresetName, presetConfig, Rng } from '@tunelab/core/bert';
import { fineTune, runThreads, type TextEncoder } from '@tunelab/core/train';

export const name = 'train';
export const BATCH = 16;
export const SEQ = 128;
export const VOCAB = 30522;

/** Best-of-`reps` GFLOP/s of an n×n by n×n product (2n³ FLOPs): the backend's large-matmul peak. */
function matmulGflops(n: number, reps = 3): number {
  return tf.tidy(() => {
    const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
    const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
    tf.matMul(a, b).dispose();
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      // The block returns nothing: tidy walks a returned value looking for tensors, which for a
      // million-element typed array costs more than the product itself.
      tf.tidy(() => {
        tf.matMul(a, b).dataSync();
      });
      best = Math.min(best, performance.now() - t0);
    }
    return (2 * n ** 3) / (best / 1000) / 1e9;
  });
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Fixed random 128-token rows: the benchmark measures the model, not the tokenizer. */
export function syntheticEncoder(rows: number, seed: number): TextEncoder {
  const rng = new Rng(seed);
  const ids = Array.from({ length: rows }, () => [
    2,
    ...Array.from({ length: SEQ - 2 }, () => 5 + rng.int(VOCAB - 5)),
    3,
  ]);
  return {
    padId: 0,
    encode: (text: string) => {
      const row = ids[Number(text)] as number[];
      return { ids: row, tokens: [], attentionMask: row.map(() => 1), tokenTypeIds: row.map(() => 0) };
    },
  };
}

/**
 * The machine is shared (2 cores, several busy processes), so its speed drifts during a run. The
 * peak is therefore re-measured between training steps (outside the timed step). Reported:
 * `mfu_vs_backend_peak` = best step's FLOP/s over the best peak seen (both closest to an idle
 * machine), and `mfu_median_paired` = median over steps of step FLOP/s over the peak measured
 * right after that step.
 */
async function trainSpeed(preset: BertPresetName, steps: number, backend: string, threads: number) {
  const c = presetConfig(preset, VOCAB);
  const { hidden_size: H, intermediate_size: I, num_hidden_layers: layers } = BERT_PRESETS[preset];
  const warm = 2;
  const rows = BATCH * (steps + warm);
  const model = BertModel.random(c, { head: 'regression', seed: 1 });
  const times: number[] = [];
  const peaks: number[] = [];
  let last = 0;
  let probeMs = 0;
  const t0 = performance.now();
  await fineTune(
    model,
    syntheticEncoder(rows, 7),
    { train: Array.from({ length: rows }, (_, i) => ({ text: String(i), label: i % 5 })) },
    { task: 'regression', epochs: 1, batchSize: BATCH, maxLength: SEQ, learningRate: 1e-4, threads },
    {
      onStep: (e) => {
        times.push(e.elapsedMs - last - probeMs);
        const p0 = performance.now();
        peaks.push(matmulGflops(1024, 2));
        probeMs = performance.now() - p0;
        last = e.elapsedMs;
      },
    },
  );
  const wall = (performance.now() - t0) / 1000;
  const mem = memorySnapshot();
  model.dispose();
  const measured = times.slice(warm);
  const stepPeaks = peaks.slice(warm);
  const stepSeconds = Math.min(...measured) / 1000;
  const tokens = BATCH * SEQ;
  const flops = tokens * (6 * layers * (4 * H * H + 2 * H * I) + 12 * layers * SEQ * H);
  const achieved = flops / stepSeconds / 1e9;
  const peak = Math.max(...stepPeaks) * threads;
  const paired = median(
    measured.map((ms, i) => flops / (ms / 1000) / 1e9 / ((stepPeaks[i] as number) * threads)),
  );
  return {
    name: `train-bert-${preset}`,
    backend,
    cores: availableParallelism(),
    threads,
    tokens_per_s: round(tokens / stepSeconds),
    median_tokens_per_s: round(tokens / (median(measured) / 1000)),
    achieved_gflops: round(achieved),
    backend_peak_gflops: round(peak),
    mfu_vs_backend_peak: round(achieved / peak),
    target_mfu: preset === 'tiny' ? 0.5 : 0.6,
    mfu_median_paired: round(paired),
    peak_heap_mb: Math.round(mem.heapBytes / 2 ** 20),
    step_seconds: round(stepSeconds),
    median_step_seconds: round(median(measured) / 1000),
    batch: BATCH,
    seq_len: SEQ,
    steps_timed: measured.length,
    peak_matmul: '1024^3 GEMM on the coordinating thread, best of runs between steps, × threads',
    wall_seconds: round(wall),
  };
}

export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Timed steps per model (after 2 warm-up steps); fewer for a quick look. */
export async function run(steps: { tiny?: number; mini?: number } = {}) {
  const backend = await initBackend();
  const threads = runThreads({ backend });
  const results = [];
  results.push(await trainSpeed('tiny', steps.tiny ?? 10, backend, threads));
  results.push(await trainSpeed('mini', steps.mini ?? 5, backend, threads));
  return results;
}

export default { name, run };
