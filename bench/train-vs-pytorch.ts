// Benchmark `train-vs-pytorch`: TuneLab's fine-tuning tokens/s ÷ PyTorch's on bert-tiny and
// bert-mini (batch 16 × 128, AdamW, dropout 0.1, clipping), the peer being bench/pytorch_bert.py
// (Debian's python3-torch) at its best thread count (1 … cores). The two run alternately in the
// same benchmark, so a machine shared with other work slows both: compare the ratio, not the
// absolute figures. Skipped, with a note, when python3-torch is absent. When the native BLAS is
// on, TuneLab also runs with it off (XNNPACK), alternating too: tunelab_xnnpack_tokens_per_s.
// Targets (issue 11): ratio ≥ 1.0 on mini, ≥ 1.2 on tiny.
import { availableParallelism } from 'node:os';
import { configureNativeBlas, initBackend, nativeBlasStatus, readBlasConfig } from '@tunelab/core/backend';
import { type BertPresetName, presetConfig } from '@tunelab/core/bert';
import {
  BATCH,
  dimsOf,
  median,
  pytorchMissing,
  pytorchStepSeconds,
  round,
  SEQ,
  tuneLabStepSeconds,
  VOCAB,
} from './_training.ts';

export const name = 'train-vs-pytorch';
const TOKENS = BATCH * SEQ;
const TARGET: Record<string, number> = { tiny: 1.2, mini: 1.0 };

async function compare(preset: BertPresetName, steps: number, rounds: number, backend: string) {
  const config = presetConfig(preset, VOCAB);
  const dims = dimsOf(config);
  const threadCounts = [...new Set([1, availableParallelism()])];
  const ours: number[] = [];
  // The same steps with the native BLAS off (XNNPACK): does the addon pay for itself?
  const xnnpack: number[] = [];
  const blasConfig = readBlasConfig();
  const blasOn = configureNativeBlas(blasConfig).active;
  const peer = new Map<number, number[]>(threadCounts.map((t) => [t, []]));
  let torch = '';
  for (let r = 0; r < rounds; r++) {
    ours.push(...(await tuneLabStepSeconds(config, steps)));
    if (blasOn) {
      configureNativeBlas({ ...blasConfig, mode: 'off' });
      xnnpack.push(...(await tuneLabStepSeconds(config, steps)));
      configureNativeBlas(blasConfig);
    }
    for (const t of threadCounts) {
      const p = pytorchStepSeconds(dims, steps, t);
      torch = p.torch;
      peer.get(t)?.push(...p.step_seconds);
    }
  }
  const oursTps = TOKENS / median(ours);
  const peerTps = threadCounts.map((t) => ({ t, tps: TOKENS / median(peer.get(t) ?? []) }));
  const best = peerTps.reduce((a, b) => (b.tps > a.tps ? b : a));
  const blas = nativeBlasStatus();
  return {
    name: `train-vs-pytorch-${preset}`,
    backend,
    native_blas: blas.active ? `${blas.vendor} ×${blas.threads}` : 'off',
    ratio: round(oursTps / best.tps),
    target_ratio: TARGET[preset] ?? null,
    tunelab_tokens_per_s: Math.round(oursTps),
    tunelab_xnnpack_tokens_per_s: xnnpack.length > 0 ? Math.round(TOKENS / median(xnnpack)) : null,
    pytorch_tokens_per_s: Math.round(best.tps),
    pytorch_threads: best.t,
    ...Object.fromEntries(peerTps.map(({ t, tps }) => [`pytorch_${t}t_tokens_per_s`, Math.round(tps)])),
    pytorch_version: torch,
    steps_each: ours.length,
    rounds,
    batch: BATCH,
    seq_len: SEQ,
    cores: availableParallelism(),
    note: 'median step, TuneLab and PyTorch alternating in one run on a shared machine',
  };
}

export async function run() {
  const backend = await initBackend();
  const missing = pytorchMissing();
  if (missing !== null) {
    return [{ name: 'train-vs-pytorch', backend, skipped: true, note: `skipped: ${missing}` }];
  }
  return [await compare('tiny', 4, 2, backend), await compare('mini', 2, 2, backend)];
}

export default { name, run };
