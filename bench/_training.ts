// Shared by the training comparisons (train-vs-pytorch, train-vs-native-peak, train-bert-base):
// timed fine-tuning steps through the public training API on fixed synthetic rows, the FLOPs of a
// step, and the machine's native sgemm peak. Not a benchmark itself (leading underscore).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { nativeBlasStatus } from '@tunelab/core/backend';
import { type BertArchConfig, BertModel } from '@tunelab/core/bert';
import { fineTune } from '@tunelab/core/train';
import { addon as blasAddon } from '@tunelab/native-blas';
import { median, syntheticEncoder } from './train.ts';

export { median };

export const BATCH = 16;
export const SEQ = 128;
export const VOCAB = 30522;
export const SYSTEM_PYTHON = '/usr/bin/python3';
export const HERE = new URL('.', import.meta.url).pathname;

export interface ModelDims {
  hidden: number;
  layers: number;
  heads: number;
  intermediate: number;
}

export function dimsOf(c: BertArchConfig): ModelDims {
  return {
    hidden: c.hidden_size,
    layers: c.num_hidden_layers,
    heads: c.num_attention_heads,
    intermediate: c.intermediate_size,
  };
}

/** FLOPs of one training step: tokens × (6·Σ_layers(4H² + 2H·I) + 12·layers·L·H). */
export function stepFlops(d: ModelDims, batch = BATCH, seq = SEQ): number {
  const { hidden: H, layers, intermediate: I } = d;
  return batch * seq * (6 * layers * (4 * H * H + 2 * H * I) + 12 * layers * seq * H);
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * Seconds per training step (after `warm` untimed steps) of fineTune at BATCH × SEQ: AdamW,
 * dropout 0.1, clipping, a regression head, default threads and kernels.
 */
export async function tuneLabStepSeconds(config: BertArchConfig, steps: number, warm = 1): Promise<number[]> {
  const rows = BATCH * (steps + warm);
  const model = BertModel.random(config, { head: 'regression', seed: 1 });
  const times: number[] = [];
  let last = 0;
  try {
    await fineTune(
      model,
      syntheticEncoder(rows, 7),
      { train: Array.from({ length: rows }, (_, i) => ({ text: String(i), label: i % 5 })) },
      { task: 'regression', epochs: 1, batchSize: BATCH, maxLength: SEQ, learningRate: 1e-4 },
      {
        onStep: (e) => {
          times.push((e.elapsedMs - last) / 1000);
          last = e.elapsedMs;
        },
      },
    );
  } finally {
    model.dispose();
  }
  return times.slice(warm);
}

export interface PeerRun {
  threads: number;
  step_seconds: number[];
  torch: string;
}

/** Whether Debian's python3-torch is importable by the system python; null = yes, else why not. */
export function pytorchMissing(): string | null {
  if (!existsSync(SYSTEM_PYTHON)) return `${SYSTEM_PYTHON} not found`;
  const r = spawnSync(SYSTEM_PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? null : 'python3-torch is not installed (apt-get install -y python3-torch)';
}

/** The same model and step in PyTorch (bench/pytorch_bert.py), `threads` intra-op threads. */
export function pytorchStepSeconds(d: ModelDims, steps: number, threads: number, warm = 1): PeerRun {
  const args = [
    join(HERE, 'pytorch_bert.py'),
    ...['--hidden', d.hidden, '--layers', d.layers, '--heads', d.heads, '--intermediate', d.intermediate],
    ...[
      '--batch',
      BATCH,
      '--seq',
      SEQ,
      '--vocab',
      VOCAB,
      '--steps',
      steps,
      '--warm',
      warm,
      '--threads',
      threads,
    ],
  ].map(String);
  const r = spawnSync(SYSTEM_PYTHON, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench/pytorch_bert.py failed (${r.status}): ${r.stderr.slice(-500)}`);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as PeerRun;
  return out;
}

/**
 * The machine's native single-precision matmul peak on `threads` threads: best of `reps` 2048³
 * sgemm through the native BLAS addon, or numpy (OpenBLAS) when the addon is not built.
 */
export function nativeSgemmGflops(
  threads = availableParallelism(),
  n = 2048,
  reps = 3,
): { gflops: number; via: string } {
  if (blasAddon !== null) {
    const before = nativeBlasStatus().threads;
    const a = new Float32Array(n * n).map((_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
    const b = new Float32Array(n * n).map((_, i) => ((i * 104729) % 1000) / 1000 - 0.5);
    const c = new Float32Array(n * n);
    blasAddon.setThreads(threads);
    blasAddon.sgemm(a, b, c, 1, n, n, n, false, false, 0, 0);
    let best = Number.POSITIVE_INFINITY;
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      blasAddon.sgemm(a, b, c, 1, n, n, n, false, false, 0, 0);
      best = Math.min(best, performance.now() - t0);
    }
    if (before !== null) blasAddon.setThreads(before);
    return {
      gflops: (2 * n ** 3) / (best / 1000) / 1e9,
      via: `${blasAddon.vendor} addon, ${threads} threads`,
    };
  }
  const script = `import numpy as np, time
a=np.random.rand(${n},${n}).astype(np.float32); b=np.random.rand(${n},${n}).astype(np.float32); a@b
best=min((lambda t0: (a@b, time.perf_counter()-t0)[1])(time.perf_counter()) for _ in range(${reps}))
print(2*${n}**3/best/1e9)`;
  const r = spawnSync(SYSTEM_PYTHON, ['-c', script], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) },
  });
  if (r.status !== 0) throw new Error(`numpy sgemm probe failed: ${r.stderr.slice(-300)}`);
  return { gflops: Number(r.stdout.trim()), via: `numpy, ${threads} threads` };
}
