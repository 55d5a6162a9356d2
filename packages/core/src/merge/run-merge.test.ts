import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensorsFile, writeSafetensorsFile } from '../safetensors/index.ts';
import { loadMergeConfig, parseMergeConfig, runMerge } from './index.ts';

const FIXTURES = join(import.meta.dirname, '../../../../fixtures/merge');
const work = await mkdtemp(join(tmpdir(), 'tunelab-merge-'));
afterAll(() => rm(work, { recursive: true, force: true }));

/**
 * Tolerance against the reference tensors: |got − expected| ≤ 1e-6 · max(|expected|, 1). Both
 * sides round to float32, but in a different order (torch sums a stacked tensor, the reference port
 * may accumulate in float64), so entries differ by a few float32 ulps of the largest operand — the
 * weights here are O(0.01–1), so that is ~1e-7 absolute. A wrong mask or sign in TIES moves an
 * entry by ~1e-2, far outside this bound.
 */
function expectClose(got: Float32Array, expected: Float32Array, name: string): void {
  expect(got.length, name).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    worst = Math.max(worst, Math.abs((got[i] as number) - e) / Math.max(Math.abs(e), 1));
  }
  expect(worst, `${name}: worst scaled difference`).toBeLessThanOrEqual(1e-6);
}

describe('runMerge on the shared fixtures', () => {
  for (const method of ['linear', 'task_arithmetic', 'ties', 'slerp']) {
    it(`${method} matches expected_${method}.safetensors`, async () => {
      const out = join(work, method);
      const seen: number[] = [];
      const result = await runMerge(await loadMergeConfig(join(FIXTURES, `${method}.json`)), out, {
        onProgress: (p) => seen.push(p.done),
      });
      const got = await readSafetensorsFile(join(out, 'model.safetensors'));
      const expected = await readSafetensorsFile(join(FIXTURES, `expected_${method}.safetensors`));
      expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [name, tensor] of expected) {
        expect(got.get(name)?.shape, name).toEqual(tensor.shape);
        expectClose(got.get(name)?.data ?? new Float32Array(), tensor.data, name);
      }
      expect(result.tensors).toBe(expected.size);
      expect(seen.at(-1)).toBe(expected.size);
      expect(await readFile(join(out, 'vocab.txt'), 'utf8')).toBe(
        await readFile(join(FIXTURES, 'base/vocab.txt'), 'utf8'),
      );
      expect(JSON.parse(await readFile(join(out, 'config.json'), 'utf8')).hidden_size).toBe(32);
      // The config used re-parses and names the same method.
      const used = await readFile(join(out, 'mergekit_config.yml'), 'utf8');
      expect(parseMergeConfig(used, join(out, 'mergekit_config.yml')).method).toBe(method);
    });
  }
});

describe('runMerge with DARE', () => {
  it('is reproducible from random_seed and changes with it', async () => {
    const config = (seed: number) =>
      `merge_method: dare_ties\nbase_model: base\nmodels:\n  - model: tuned_a\n    parameters: {weight: 1, density: 0.5}\n  - model: tuned_b\n    parameters: {weight: 1, density: 0.5}\nrandom_seed: ${seed}\n`;
    const run = async (seed: number, name: string) => {
      await runMerge(parseMergeConfig(config(seed), join(FIXTURES, 'dare.yml')), join(work, name));
      return (await readSafetensorsFile(join(work, name, 'model.safetensors'))).get(
        'bert.pooler.dense.weight',
      )?.data;
    };
    const first = await run(7, 'dare-7a');
    expect(await run(7, 'dare-7b')).toEqual(first);
    expect(await run(8, 'dare-8')).not.toEqual(first);
    expect(await readFile(join(work, 'dare-7a', 'mergekit_config.yml'), 'utf8')).toContain('random_seed: 7');
  });
});

describe('runMerge with a per-layer gradient', () => {
  it('slerp t: [0, 1] keeps the base at layer 0 (and outside the layers) and takes the other model at the last layer', async () => {
    const text = `merge_method: slerp\nbase_model: base\nmodels: [{model: base}, {model: tuned_c}]\nparameters: {t: [0, 1]}\n`;
    const out = join(work, 'slerp-gradient');
    await runMerge(parseMergeConfig(text, join(FIXTURES, 'gradient.yml')), out);
    const got = await readSafetensorsFile(join(out, 'model.safetensors'));
    const base = await readSafetensorsFile(join(FIXTURES, 'base/model.safetensors'));
    const tuned = await readSafetensorsFile(join(FIXTURES, 'tuned_c/model.safetensors'));
    const q = (layer: number) => `bert.encoder.layer.${layer}.attention.self.query.weight`;
    expect(got.get(q(0))?.data).toEqual(base.get(q(0))?.data);
    expect(got.get(q(1))?.data).toEqual(tuned.get(q(1))?.data);
    expect(got.get('bert.embeddings.word_embeddings.weight')?.data).toEqual(
      base.get('bert.embeddings.word_embeddings.weight')?.data,
    );
    expect(got.get(q(1))?.data).not.toEqual(base.get(q(1))?.data);
  });
});

/** A copy of one fixture model whose config.json and tensors can be changed. */
async function variant(
  name: string,
  from: string,
  change: { config?: Record<string, unknown>; vocab?: string; head?: number },
) {
  const dir = join(work, name);
  await cp(join(FIXTURES, from), dir, { recursive: true });
  if (change.config) {
    const config = JSON.parse(await readFile(join(FIXTURES, from, 'config.json'), 'utf8'));
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, ...change.config }));
  }
  if (change.vocab) await writeFile(join(dir, 'vocab.txt'), change.vocab);
  if (change.head) {
    const tensors = await readSafetensorsFile(join(FIXTURES, from, 'model.safetensors'));
    tensors.set('classifier.weight', {
      shape: [change.head, 32],
      data: new Float32Array(change.head * 32).fill(0.5),
    });
    tensors.set('classifier.bias', { shape: [change.head], data: new Float32Array(change.head).fill(0.25) });
    await writeSafetensorsFile(join(dir, 'model.safetensors'), tensors);
  }
  return dir;
}

function tiesConfig(other: string, extra = ''): string {
  return `merge_method: ties\nbase_model: ${join(FIXTURES, 'base')}\nmodels:\n  - model: ${join(FIXTURES, 'tuned_a')}\n    parameters: {weight: 1, density: 0.5}\n  - model: ${other}\n    parameters: {weight: 1, density: 0.5}\n${extra}`;
}

describe('runMerge refuses what cannot be merged', () => {
  it('a different architecture config', async () => {
    const dir = await variant('wide', 'tuned_b', { config: { intermediate_size: 128 } });
    await expect(runMerge(parseMergeConfig(tiesConfig(dir)), join(work, 'x1'))).rejects.toThrow(
      /intermediate_size is 128 vs 64/,
    );
  });

  it('a different vocabulary', async () => {
    const dir = await variant('vocab', 'tuned_b', { vocab: '[PAD]\n[UNK]\n' });
    await expect(runMerge(parseMergeConfig(tiesConfig(dir)), join(work, 'x2'))).rejects.toThrow(
      /vocab.txt differ/,
    );
  });

  it('a different label space, unless head_source picks the head to keep', async () => {
    const dir = await variant('three-way', 'tuned_b', {
      config: {
        num_labels: 3,
        problem_type: 'single_label_classification',
        id2label: { 0: 'a', 1: 'b', 2: 'c' },
      },
      head: 3,
    });
    await expect(runMerge(parseMergeConfig(tiesConfig(dir)), join(work, 'x3'))).rejects.toThrow(
      /different label spaces.*head_source/,
    );
    const out = join(work, 'x4');
    const result = await runMerge(parseMergeConfig(tiesConfig(dir, `head_source: ${dir}\n`)), out);
    expect(result.headTensorsFrom).toBe(dir);
    const merged = await readSafetensorsFile(join(out, 'model.safetensors'));
    expect(merged.get('classifier.weight')?.shape).toEqual([3, 32]);
    expect(merged.get('classifier.bias')?.data[2]).toBe(0.25);
    expect(JSON.parse(await readFile(join(out, 'config.json'), 'utf8')).num_labels).toBe(3);
  });
});
