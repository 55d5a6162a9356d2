import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensorsFile, writeSafetensorsFile } from '../safetensors/index.ts';
import { loadMergeConfig, parseMergeConfig, runMerge } from './index.ts';
import { CLASSIFIER_HEAD, MASKED_LM_HEAD, writeMaskedLmBase, writeModelVariant } from './testing/index.ts';

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
        // The one place TuneLab departs from mergekit on purpose: see keepsOneEntry below.
        if (method === 'ties' && name === 'classifier.bias') continue;
        expectClose(got.get(name)?.data ?? new Float32Array(), tensor.data, name);
      }
      if (method === 'ties') await keepsOneEntry(got.get('classifier.bias')?.data);
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

/**
 * ties.json trims the one-entry classifier.bias at densities 0.3, 0.5 and 0.2: ⌊density·1⌋ = 0, where
 * mergekit asserts and the reference port kept the base value. TuneLab keeps one entry, so the
 * tensor is TIES at density 1, computed here in float64 from the fixture files: τᵢ = wᵢΔᵢ, sign of
 * Σ τᵢ (0 counts as +), agreeing τᵢ summed and divided by their Σ wᵢ, × λ = 1.2.
 */
async function keepsOneEntry(got: Float32Array | undefined): Promise<void> {
  const bias = async (model: string) =>
    (await readSafetensorsFile(join(FIXTURES, model, 'model.safetensors'))).get('classifier.bias')
      ?.data[0] as number;
  const base = await bias('base');
  const weights = [1, 0.6, 0.4];
  const tau = await Promise.all(
    ['tuned_a', 'tuned_b', 'tuned_c'].map(async (m, i) => ((await bias(m)) - base) * (weights[i] as number)),
  );
  const positive = tau.reduce((s, x) => s + x, 0) >= 0;
  let mixed = 0;
  let divisor = 0;
  tau.forEach((x, i) => {
    if (positive ? x > 0 : x < 0) {
      mixed += x;
      divisor += weights[i] as number;
    }
  });
  const expected = base + 1.2 * (mixed / (divisor || 1));
  expect(expected).not.toBeCloseTo(base, 4);
  expectClose(got ?? new Float32Array(), Float32Array.of(expected), 'classifier.bias (one entry kept)');
}

describe('TIES keeps at least one entry of a tensor', () => {
  it('one-output regression models keep the head bias delta: base + λ·Σwᵢdᵢ/Σwᵢ when the deltas agree', async () => {
    const base = await readSafetensorsFile(join(FIXTURES, 'base/model.safetensors'));
    const b0 = base.get('classifier.bias')?.data[0] as number;
    const withBias = (name: string, from: string, delta: number) =>
      writeModelVariant(join(FIXTURES, from), join(work, name), {
        tensors: (t) => t.set('classifier.bias', { shape: [1], data: Float32Array.of(b0 + delta) }),
      });
    const a = await withBias('bias-a', 'tuned_a', 0.3);
    const b = await withBias('bias-b', 'tuned_b', 0.1);
    const text = `merge_method: ties\nbase_model: ${join(FIXTURES, 'base')}\nmodels:\n  - model: ${a}\n    parameters: {weight: 1, density: 0.3}\n  - model: ${b}\n    parameters: {weight: 0.5, density: 0.3}\nparameters: {lambda: 0.8}\n`;
    const out = join(work, 'bias-ties');
    await runMerge(parseMergeConfig(text), out);
    const got = (await readSafetensorsFile(join(out, 'model.safetensors'))).get('classifier.bias')?.data;
    const da = Math.fround(b0 + 0.3) - b0;
    const db = Math.fround(b0 + 0.1) - b0;
    expectClose(
      got ?? new Float32Array(),
      Float32Array.of(b0 + (0.8 * (1 * da + 0.5 * db)) / 1.5),
      'classifier.bias',
    );
  });
});

describe('runMerge on a masked-LM base (heads differ between base and fine-tunes)', () => {
  const mlmBase = () => writeMaskedLmBase(join(FIXTURES, 'base'), join(work, 'mlm-base'));
  const tiesOn = (base: string, extra = '') =>
    `merge_method: ties\nbase_model: ${base}\nmodels:\n  - model: ${join(FIXTURES, 'tuned_a')}\n    parameters: {weight: 1, density: 0.5}\n  - model: ${join(FIXTURES, 'tuned_b')}\n    parameters: {weight: 0.5, density: 0.5}\n${extra}`;

  it('merges the shared tensors, averages the pooler and classifier, drops cls.predictions.*', async () => {
    const base = await mlmBase();
    const out = join(work, 'mlm-ties');
    const result = await runMerge(parseMergeConfig(tiesOn(base)), out);
    expect(result.dropped.sort()).toEqual([...MASKED_LM_HEAD].sort());
    expect(result.added).toEqual([...CLASSIFIER_HEAD]);
    const got = await readSafetensorsFile(join(out, 'model.safetensors'));
    expect([...got.keys()].filter((k) => k.startsWith('cls.'))).toEqual([]);
    // Shared tensors: exactly what the same merge gives on the classifier base they came from.
    const reference = join(work, 'mlm-ties-reference');
    await runMerge(parseMergeConfig(tiesOn(join(FIXTURES, 'base'))), reference);
    const expected = await readSafetensorsFile(join(reference, 'model.safetensors'));
    const q = 'bert.encoder.layer.1.attention.self.query.weight';
    expect(got.get(q)?.data).toEqual(expected.get(q)?.data);
    // Tensors the base lacks: (1·a + 0.5·b) / 1.5.
    const a = await readSafetensorsFile(join(FIXTURES, 'tuned_a/model.safetensors'));
    const b = await readSafetensorsFile(join(FIXTURES, 'tuned_b/model.safetensors'));
    for (const name of ['bert.pooler.dense.weight', 'classifier.bias']) {
      const av = a.get(name)?.data as Float32Array;
      const bv = b.get(name)?.data as Float32Array;
      expectClose(
        got.get(name)?.data ?? new Float32Array(),
        av.map((x, i) => (x + 0.5 * (bv[i] as number)) / 1.5),
        name,
      );
    }
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      num_labels: 1,
      problem_type: 'regression',
      architectures: ['BertForSequenceClassification'],
    });
  });

  it('takes the added tensors from head_source, and slerp takes them from the other model', async () => {
    const base = await mlmBase();
    const out = join(work, 'mlm-head');
    const result = await runMerge(
      parseMergeConfig(tiesOn(base, `head_source: ${join(FIXTURES, 'tuned_b')}\n`)),
      out,
    );
    expect(result.headTensorsFrom).toBe(join(FIXTURES, 'tuned_b'));
    const got = await readSafetensorsFile(join(out, 'model.safetensors'));
    const b = await readSafetensorsFile(join(FIXTURES, 'tuned_b/model.safetensors'));
    expect(got.get('classifier.weight')?.data).toEqual(b.get('classifier.weight')?.data);
    expect(got.get('bert.pooler.dense.bias')?.data).toEqual(b.get('bert.pooler.dense.bias')?.data);
    const slerpOut = join(work, 'mlm-slerp');
    await runMerge(
      parseMergeConfig(
        `merge_method: slerp\nbase_model: ${base}\nmodels: [{model: ${base}}, {model: ${join(FIXTURES, 'tuned_c')}}]\nparameters: {t: 0.5}\n`,
      ),
      slerpOut,
    );
    const slerped = await readSafetensorsFile(join(slerpOut, 'model.safetensors'));
    const c = await readSafetensorsFile(join(FIXTURES, 'tuned_c/model.safetensors'));
    expect(slerped.get('classifier.weight')?.data).toEqual(c.get('classifier.weight')?.data);
    expect(slerped.has('cls.predictions.bias')).toBe(false);
  });

  it('refuses added tensors with different label spaces or held by one model only, naming them', async () => {
    const base = await mlmBase();
    const three = await writeModelVariant(join(FIXTURES, 'tuned_b'), join(work, 'mlm-three'), {
      config: {
        num_labels: 3,
        problem_type: 'single_label_classification',
        id2label: { 0: 'a', 1: 'b', 2: 'c' },
      },
      tensors: (t) => {
        t.set('classifier.weight', { shape: [3, 32], data: new Float32Array(96).fill(0.5) });
        t.set('classifier.bias', { shape: [3], data: new Float32Array(3).fill(0.25) });
      },
    });
    const text = tiesOn(base).replace(join(FIXTURES, 'tuned_b'), three);
    await expect(runMerge(parseMergeConfig(text), join(work, 'mlm-x1'))).rejects.toThrow(
      /different label spaces.*head_source/,
    );
    const ok = await runMerge(parseMergeConfig(`${text}head_source: ${three}\n`), join(work, 'mlm-x2'));
    expect(ok.added).toContain('classifier.weight');
    const noPooler = await writeModelVariant(join(FIXTURES, 'tuned_b'), join(work, 'mlm-nopooler'), {
      tensors: (t) => {
        t.delete('bert.pooler.dense.weight');
        t.delete('bert.pooler.dense.bias');
      },
    });
    await expect(
      runMerge(
        parseMergeConfig(tiesOn(base).replace(join(FIXTURES, 'tuned_b'), noPooler)),
        join(work, 'mlm-x3'),
      ),
    ).rejects.toThrow(
      /tensor bert.pooler.dense.(weight|bias) is in '.*tuned_a' but neither in '.*mlm-nopooler' nor in the base/,
    );
  });
});

describe('runMerge refuses a non-finite result', () => {
  it('fails naming the tensor and leaves no model file', async () => {
    const bad = await writeModelVariant(join(FIXTURES, 'tuned_b'), join(work, 'nan-model'), {
      tensors: (t) => {
        const bias = t.get('bert.pooler.dense.bias') as { shape: number[]; data: Float32Array };
        bias.data[3] = Number.POSITIVE_INFINITY;
      },
    });
    const out = join(work, 'nan-out');
    await expect(runMerge(parseMergeConfig(tiesConfig(bad)), out)).rejects.toThrow(
      /tensor bert.pooler.dense.bias: the merge gives a non-finite value/,
    );
    await expect(readFile(join(out, 'model.safetensors'))).rejects.toThrow(/ENOENT/);
  });
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
