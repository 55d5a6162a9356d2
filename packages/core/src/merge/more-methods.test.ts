// The methods of issue 13 against fixtures/merge/expected_*.safetensors, which
// fixtures/merge/generate_expected.py computes with an independent float64 numpy port of mergekit's
// rules; DELLA (random) statistically and for reproducibility.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensorsFile } from '../safetensors/index.ts';
import { loadMergeConfig, parseMergeConfig, runMerge } from './index.ts';
import { sparsify } from './sparsify.ts';

const FIXTURES = join(import.meta.dirname, '../../../../fixtures/merge');
const work = await mkdtemp(join(tmpdir(), 'tunelab-more-methods-'));
afterAll(() => rm(work, { recursive: true, force: true }));

/** |got − expected| ≤ 1e-5 · max(|expected|, 1): float32 torch order vs the float64 port. */
function worstDifference(got: Float32Array, expected: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    worst = Math.max(worst, Math.abs((got[i] as number) - e) / Math.max(Math.abs(e), 1));
  }
  return worst;
}

describe('new mergekit methods match the float64 port', () => {
  for (const stem of [
    'breadcrumbs',
    'breadcrumbs_ties',
    'model_stock',
    'model_stock_filter_wise',
    'nuslerp',
    'nuslerp_rows',
  ]) {
    it(`${stem}.json matches expected_${stem}.safetensors`, async () => {
      const out = join(work, stem);
      await runMerge(await loadMergeConfig(join(FIXTURES, `${stem}.json`)), out);
      const got = await readSafetensorsFile(join(out, 'model.safetensors'));
      const expected = await readSafetensorsFile(join(FIXTURES, `expected_${stem}.safetensors`));
      const base = await readSafetensorsFile(join(FIXTURES, 'base/model.safetensors'));
      expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
      let changed = 0;
      for (const [name, tensor] of expected) {
        const data = got.get(name)?.data ?? new Float32Array();
        expect(got.get(name)?.shape, name).toEqual(tensor.shape);
        expect(worstDifference(data, tensor.data), name).toBeLessThanOrEqual(1e-5);
        if (worstDifference(data, base.get(name)?.data ?? new Float32Array()) > 1e-4) changed++;
      }
      // The merge did something on most tensors (a port returning the base would not pass).
      expect(changed).toBeGreaterThan(expected.size / 2);
    });
  }

  it('refuses what mergekit refuses: model counts, DELLA epsilon', () => {
    expect(() =>
      parseMergeConfig('merge_method: model_stock\nbase_model: b\nmodels: [{model: a}]\n', 'm.yml'),
    ).toThrow(/model_stock needs at least 2 models besides base_model, got 1/);
    expect(() =>
      parseMergeConfig(
        'merge_method: nuslerp\nmodels: [{model: a, parameters: {weight: 1}}, {model: b, parameters: {weight: 1}}, {model: c, parameters: {weight: 1}}]\n',
        'm.yml',
      ),
    ).toThrow(/nuslerp needs exactly 2 models/);
    expect(() =>
      parseMergeConfig(
        'merge_method: della\nbase_model: b\nmodels: [{model: a, parameters: {weight: 1, density: 0.9}}]\n',
        'm.yml',
      ),
    ).toThrow(/model 'a': density 0.9 ± epsilon 0.15 must stay in \(0, 1\)/);
    const plan = parseMergeConfig(
      'merge_method: breadcrumbs\nbase_model: b\nmodels: [{model: a, parameters: {weight: 1}}]\n',
      'm.yml',
    );
    expect(plan.models[0]?.parameters).toEqual({ weight: 1, density: 1, gamma: 0.01 });
    expect(
      parseMergeConfig(
        'merge_method: della\nbase_model: b\nmodels: [{model: a, parameters: {weight: 1}}]\n',
        'm.yml',
      ).parameters,
    ).toMatchObject({ normalize: true, rescale: true, lambda: 1 });
  });
});

describe('DELLA', () => {
  const delta = () => Float32Array.from({ length: 64 * 64 }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 7)));
  const della = (seed: number, density = 0.4, epsilon = 0.2, rescaleL1 = true) => {
    const d = delta();
    sparsify(d, { method: 'della_magprune', density, epsilon, rescaleL1, seed, shape: [64, 64] });
    return d;
  };

  it('keeps density of the entries on average, larger ones more often, and restores the L1 norm', () => {
    const original = delta();
    const l1 = original.reduce((s, x) => s + Math.abs(x), 0);
    let kept = 0;
    let keptTop = 0;
    let keptBottom = 0;
    const runs = 20;
    for (let seed = 0; seed < runs; seed++) {
      const d = della(seed);
      expect(d.reduce((s, x) => s + Math.abs(x), 0)).toBeCloseTo(l1, 0);
      for (let r = 0; r < 64; r++) {
        const row = Array.from(original.subarray(r * 64, r * 64 + 64), (x, j) => ({ m: Math.abs(x), j }));
        row.sort((a, b) => a.m - b.m);
        for (const [rank, { j }] of row.entries()) {
          const on = d[r * 64 + j] !== 0;
          if (on) kept++;
          if (on && rank >= 48) keptTop++;
          if (on && rank < 16) keptBottom++;
        }
      }
    }
    const total = runs * 64 * 64;
    // Binomial: mean keep rate 0.4, standard error √(0.24 / 81920) ≈ 0.0017; 6 σ bounds.
    expect(Math.abs(kept / total - 0.4)).toBeLessThan(0.011);
    // Top quarter of ranks kept with p ≈ 0.4 + 0.2·(7/8)… ≈ 0.575, bottom quarter ≈ 0.225.
    expect(keptTop / (total / 4)).toBeGreaterThan(0.54);
    expect(keptBottom / (total / 4)).toBeLessThan(0.26);
  });

  it('is reproducible from random_seed and changes with it', async () => {
    expect([...della(3)]).toEqual([...della(3)]);
    expect([...della(3)]).not.toEqual([...della(4)]);
    const config = (seed: number) =>
      `merge_method: della\nbase_model: base\nmodels:\n  - model: tuned_a\n    parameters: {weight: 1, density: 0.5}\n  - model: tuned_b\n    parameters: {weight: 0.5, density: 0.5, epsilon: 0.1}\nrandom_seed: ${seed}\n`;
    const run = async (seed: number, name: string) => {
      await runMerge(parseMergeConfig(config(seed), join(FIXTURES, 'della.yml')), join(work, name));
      return (await readSafetensorsFile(join(work, name, 'model.safetensors'))).get(
        'bert.pooler.dense.weight',
      )?.data;
    };
    const first = await run(5, 'della-5a');
    expect(await run(5, 'della-5b')).toEqual(first);
    expect(await run(6, 'della-6')).not.toEqual(first);
  });
});
