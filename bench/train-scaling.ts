// Benchmark `train-scaling`: data-parallel scaling of fine-tuning. bert-mini (4×256, I 1024, vocab
// 30,522) at batch 16 × 128 through the real loop (fineTune: dropout, AdamW, clipping) with N
// threads for N = 1…cores; tokens/s with N ÷ tokens/s with 1, and efficiency = that ratio ÷ N
// (target ≥ 0.9). Rounds alternate over N (1, 2, …, 1, 2, …) in one process so that load from
// other work on a shared machine falls on every N alike; per N the median step over all rounds.
import { availableParallelism } from 'node:os';
import { initBackend } from '@tunelab/core/backend';
import { BertModel, type BertPresetName, presetConfig } from '@tunelab/core/bert';
import { fineTune } from '@tunelab/core/train';
import { BATCH, median, round, SEQ, syntheticEncoder, VOCAB } from './train.ts';

export const name = 'train-scaling';

/** Median seconds per step of bert-`preset` fine-tuning on `threads` threads (after `warm` steps). */
async function stepSeconds(
  preset: BertPresetName,
  threads: number,
  steps: number,
  warm = 1,
): Promise<number> {
  const model = BertModel.random(presetConfig(preset, VOCAB), { head: 'regression', seed: 1 });
  const rows = BATCH * (steps + warm);
  const times: number[] = [];
  let last = 0;
  await fineTune(
    model,
    syntheticEncoder(rows, 11),
    { train: Array.from({ length: rows }, (_, i) => ({ text: String(i), label: i % 5 })) },
    { task: 'regression', epochs: 1, batchSize: BATCH, maxLength: SEQ, learningRate: 1e-4, threads },
    {
      onStep: (e) => {
        times.push(e.elapsedMs - last);
        last = e.elapsedMs;
      },
    },
  );
  model.dispose();
  return median(times.slice(warm)) / 1000;
}

/**
 * Data-parallel scaling: for N = 1…cores, bert-`preset` steps with N threads, rounds alternating over N
 * so that load from other processes falls on every N alike; per N the median over rounds.
 */
async function scaling(preset: BertPresetName, backend: string, rounds: number, steps: number) {
  const cores = availableParallelism();
  const counts = Array.from({ length: cores }, (_, i) => i + 1);
  const seconds = new Map<number, number[]>(counts.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++)
    for (const n of counts) seconds.get(n)?.push(await stepSeconds(preset, n, steps));
  const tokens = BATCH * SEQ;
  const tps = (n: number) => tokens / median(seconds.get(n) ?? []);
  const out: Record<string, number | string> = {
    name: 'train-scaling',
    backend,
    cores,
    model: `bert-${preset}`,
  };
  for (const n of counts) {
    out[`tokens_per_s_${n}`] = round(tps(n));
    out[`ratio_${n}`] = round(tps(n) / tps(1));
    out[`efficiency_${n}`] = round(tps(n) / tps(1) / n);
  }
  out.efficiency = out[`efficiency_${cores}`] as number;
  out.target_efficiency = 0.9;
  out.rounds = rounds;
  out.steps_per_round = steps;
  out.batch = BATCH;
  out.seq_len = SEQ;
  out.note = 'median step time per N over alternating rounds; shared machine, compare ratios only';
  return out;
}

export async function run() {
  const backend = await initBackend();
  return scaling('mini', backend, 3, 2);
}

export default { name, run };
