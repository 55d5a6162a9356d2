// Benchmark `merge-ties-3x30M`: a TIES merge (density 0.2) of three ~30M-parameter float32 models
// against a base, timed against the IO floor measured in the same run: one plain read of every
// input tensor plus one write of an output of the same size. Target: time_over_io_floor ≤ 4.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMergeConfig, runMerge } from '@tunelab/core/merge';
import { openSafetensors, SafetensorsStreamWriter } from '@tunelab/core/safetensors';
import { mulberry32 } from '../packages/core/src/merge/seeded-random.ts';

const HIDDEN = 768;
const FFN = 3072;
const LAYERS = 3;
const VOCAB = 10000;

/** BERT-shaped layout of ~29.5M parameters. */
function layout(): { name: string; shape: number[] }[] {
  const out = [
    { name: 'bert.embeddings.word_embeddings.weight', shape: [VOCAB, HIDDEN] },
    { name: 'bert.embeddings.position_embeddings.weight', shape: [512, HIDDEN] },
    { name: 'bert.embeddings.LayerNorm.weight', shape: [HIDDEN] },
    { name: 'bert.embeddings.LayerNorm.bias', shape: [HIDDEN] },
  ];
  for (let l = 0; l < LAYERS; l++) {
    const p = `bert.encoder.layer.${l}`;
    for (const m of [
      'attention.self.query',
      'attention.self.key',
      'attention.self.value',
      'attention.output.dense',
    ]) {
      out.push(
        { name: `${p}.${m}.weight`, shape: [HIDDEN, HIDDEN] },
        { name: `${p}.${m}.bias`, shape: [HIDDEN] },
      );
    }
    out.push(
      { name: `${p}.intermediate.dense.weight`, shape: [FFN, HIDDEN] },
      { name: `${p}.intermediate.dense.bias`, shape: [FFN] },
      { name: `${p}.output.dense.weight`, shape: [HIDDEN, FFN] },
      { name: `${p}.output.dense.bias`, shape: [HIDDEN] },
    );
  }
  out.push({ name: 'classifier.weight', shape: [1, HIDDEN] }, { name: 'classifier.bias', shape: [1] });
  return out;
}

async function writeModel(
  dir: string,
  seed: number,
  base: Map<string, Float32Array> | null,
): Promise<Map<string, Float32Array>> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  const next = mulberry32(seed);
  const tensors = new Map<string, Float32Array>();
  const entries = layout();
  const writer = new SafetensorsStreamWriter(join(dir, 'model.safetensors'), entries, { format: 'pt' });
  for (const { name, shape } of entries) {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const from = base?.get(name);
    // Uniform noise: base ~ U(−0.05, 0.05), tuned = base + U(−0.005, 0.005).
    const scale = from ? 0.01 : 0.1;
    for (let i = 0; i < n; i++)
      data[i] = (from ? (from[i] as number) : 0) + (next() / 4294967296 - 0.5) * scale;
    await writer.write(name, data);
    if (!base) tensors.set(name, data);
  }
  await writer.finish();
  await writeFile(
    join(dir, 'config.json'),
    JSON.stringify({
      model_type: 'bert',
      hidden_size: HIDDEN,
      num_hidden_layers: LAYERS,
      vocab_size: VOCAB,
      intermediate_size: FFN,
    }),
  );
  await writeFile(join(dir, 'vocab.txt'), '[PAD]\n[UNK]\n[CLS]\n[SEP]\n');
  return tensors;
}

/** One plain read of every input tensor and one write of an output-sized file. */
async function ioFloor(dirs: string[], out: string): Promise<number> {
  const started = performance.now();
  const readers = await Promise.all(dirs.map((d) => openSafetensors(join(d, 'model.safetensors'))));
  const first = readers[0];
  if (!first) throw new Error('no inputs');
  const writer = new SafetensorsStreamWriter(
    out,
    first.tensors.map((t) => ({ name: t.name, shape: t.shape })),
    { format: 'pt' },
  );
  for (const info of first.tensors) {
    let last: Float32Array | undefined;
    for (const reader of readers) last = (await reader.read(info.name)).data;
    await writer.write(info.name, last as Float32Array);
  }
  await writer.finish();
  await Promise.all(readers.map((r) => r.close()));
  return (performance.now() - started) / 1000;
}

export const name = 'merge-ties-3x30M';

export async function run(): Promise<Record<string, number | string>> {
  const work = await mkdtemp(join(tmpdir(), 'tunelab-bench-merge-'));
  try {
    const dirs = ['base', 'a', 'b', 'c'].map((d) => join(work, d));
    const base = await writeModel(dirs[0] as string, 1, null);
    for (const [i, dir] of dirs.slice(1).entries()) await writeModel(dir, 2 + i, base);
    base.clear();
    const parameters = layout().reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0);
    const config = [
      'merge_method: ties',
      'base_model: base',
      'models:',
      ...['a', 'b', 'c'].map(
        (m, i) => `  - model: ${m}\n    parameters: {weight: ${[1, 0.7, 0.4][i]}, density: 0.2}`,
      ),
      'parameters: {lambda: 1.0}',
      'dtype: float32',
    ].join('\n');
    const plan = parseMergeConfig(config, join(work, 'ties.yml'));
    // Warm the page cache once, then take the best of two of each so both see the same cache state.
    await ioFloor(dirs, join(work, 'floor.safetensors'));
    const floors: number[] = [];
    const merges: number[] = [];
    for (let repeat = 0; repeat < 2; repeat++) {
      floors.push(await ioFloor(dirs, join(work, 'floor.safetensors')));
      const started = performance.now();
      await runMerge(plan, join(work, 'merged'));
      merges.push((performance.now() - started) / 1000);
    }
    const ioFloorSeconds = Math.min(...floors);
    const mergeSeconds = Math.min(...merges);
    return {
      name,
      parameters_per_model: parameters,
      merge_seconds: round(mergeSeconds),
      io_floor_seconds: round(ioFloorSeconds),
      time_over_io_floor: round(mergeSeconds / ioFloorSeconds),
      target_time_over_io_floor: 4,
      backend: 'typed-arrays (no tfjs)',
      cores: availableParallelism(),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

export default { name, run };

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await run(), null, 2));
}
