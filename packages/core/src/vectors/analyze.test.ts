import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLASSIFIER_HEAD, MASKED_LM_HEAD, writeMaskedLmBase } from '../merge/testing/index.ts';
import { writeSafetensorsFile } from '../safetensors/index.ts';
import { analyzeTuningVectors } from './analyze.ts';
import { groupTensor } from './tensor-groups.ts';

const FIXTURES = join(import.meta.dirname, '../../../../fixtures/merge');
const work = await mkdtemp(join(tmpdir(), 'tunelab-vectors-'));
afterAll(() => rm(work, { recursive: true, force: true }));

const Q = 'bert.encoder.layer.0.attention.self.query.weight';
const LN = 'bert.embeddings.LayerNorm.weight';

/** A two-tensor model: a 2×2 query matrix and a 2-entry LayerNorm weight. */
async function model(name: string, query: number[], norm: number[]): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  await writeSafetensorsFile(
    join(dir, 'model.safetensors'),
    new Map([
      [Q, { shape: [2, 2], data: Float32Array.from(query) }],
      [LN, { shape: [2], data: Float32Array.from(norm) }],
    ]),
  );
  return dir;
}

describe('analyzeTuningVectors', () => {
  it('computes norms, changed shares, spectra and similarities by hand', async () => {
    const base = await model('base', [1, 0, 0, 1], [1, 1]);
    const a = await model('a', [4, 0, 0, 5], [1, 1.5]); // ΔQ = diag(3, 4), ΔLN = [0, 0.5]
    const b = await model('b', [7, 0, 0, 9], [1, 1]); // ΔQ = 2·ΔQa, ΔLN = 0
    const c = await model('c', [-2, 0, 0, -3], [1, 0.5]); // ΔQ = −ΔQa, ΔLN = −ΔLNa
    const report = await analyzeTuningVectors(base, [a, b, c]);
    const q = report.tensors.find((t) => t.name === Q);
    expect(q?.changes[0]).toEqual({
      norm: 5,
      relative: Number((5 / Math.SQRT2).toPrecision(6)),
      changedShare: 0.5,
      singularValues: [4, 3],
      effectiveRank: 2, // 16/25 < 90%
      // TIES at density 0.2 keeps max(1, ⌊0.8⌋) = 1 entry: a's 4, trimming 3² of 25.
      tiesTrimmed: 0.36,
      tiesOverruled: 0,
      // k = 8 is capped at 2: the whole 2×2 space.
      inBaseSubspace: 1,
    });
    // The kept 4, 8 and −4 vote +: c's −4 (16 of its 25) is overruled.
    expect(q?.changes[2]).toMatchObject({ tiesTrimmed: 0.36, tiesOverruled: 0.64 });
    // Both changed entries changed in all three; c disagrees with a and b on both.
    expect(q?.signConflict).toBe(1);
    expect(q?.signConflictPairs).toEqual([
      [0, 0, 1],
      [0, 0, 1],
      [1, 1, 0],
    ]);
    expect(q?.changes[1]?.singularValues).toEqual([8, 6]);
    expect(q?.similarity).toEqual([
      [1, 1, -1],
      [1, 1, -1],
      [-1, -1, 1],
    ]);
    const ln = report.tensors.find((t) => t.name === LN);
    expect(ln?.changes.map((c) => c.norm)).toEqual([0.5, 0, 0.5]);
    expect(ln?.changes[0]?.singularValues).toBeUndefined();
    // Overall for model a: ‖Δ‖ = √(25 + 0.25), over ‖θ_base‖ = √(2 + 2); b has no LN change.
    expect(report.overall.changes[0]?.norm).toBeCloseTo(Math.sqrt(25.25), 5);
    expect(report.overall.changes[0]?.relative).toBeCloseTo(Math.sqrt(25.25) / 2, 5);
    expect(report.overall.changes[0]?.changedShare).toBeCloseTo(3 / 6, 6);
    // ⟨Δa, Δb⟩ = 2·25 + 0 over √25.25 · √100.
    expect(report.overall.similarity?.[0]?.[1]).toBeCloseTo(50 / (Math.sqrt(25.25) * 10), 5);
    // LN keeps one entry each: a's 0.5, b's 0 (index 0 of a tie), c's −0.5; the vote 0 elects +,
    // so c loses 0.25 there too: 16.25 of its 25.25 overall, all of its embeddings-layer change.
    expect(report.overall.changes[2]?.tiesOverruled).toBeCloseTo(16.25 / 25.25, 5);
    expect(report.layers.find((l) => l.layer === 'embeddings')?.changes[2]?.tiesOverruled).toBe(1);
    expect(report.overall.changes[0]?.inBaseSubspace).toBe(1); // over 2-D weights only
    expect(report.overall.signConflict).toBe(1);
    expect(report.groups.map((g) => `${g.layer}/${g.module}`)).toEqual([
      'embeddings/layernorm',
      'layer 0/attention.query',
    ]);
    expect(report.layers.map((g) => g.layer)).toEqual(['embeddings', 'layer 0']);
    expect(report.groups[1]?.changes[0]?.effectiveRank).toBe(2);
  });

  it('leaves out (and lists) tensors of another shape than the base, such as a different head', async () => {
    const base = await model('base2', [1, 0, 0, 1], [1, 1]);
    const dir = join(work, 'other-head');
    await mkdir(dir, { recursive: true });
    await writeSafetensorsFile(
      join(dir, 'model.safetensors'),
      new Map([
        [Q, { shape: [2, 2], data: Float32Array.from([2, 0, 0, 1]) }],
        [LN, { shape: [1, 2], data: Float32Array.from([1, 1]) }],
      ]),
    );
    const report = await analyzeTuningVectors(base, [dir]);
    expect(report.tensors.map((t) => t.name)).toEqual([Q]);
    expect(report.skipped).toEqual([{ model: dir, tensor: LN, reason: 'shape [1,2] vs base [2]' }]);
    await expect(analyzeTuningVectors(base, [])).rejects.toThrow('at least one tuned model');
  });

  it('runs on the merge fixtures and finds what fine-tuning changed', async () => {
    const report = await analyzeTuningVectors(
      join(FIXTURES, 'base'),
      [join(FIXTURES, 'tuned_a'), join(FIXTURES, 'tuned_b')],
      {
        spectra: true,
      },
    );
    expect(report.tensors).toHaveLength(41);
    const layers = report.layers.map((l) => l.layer);
    expect(layers).toEqual(['embeddings', 'layer 0', 'layer 1', 'pooler', 'head']);
    for (const tensor of report.tensors) {
      if (tensor.shape.length === 2) {
        const sigma = tensor.changes[0]?.singularValues ?? [];
        expect(sigma.length).toBe(Math.min(...tensor.shape));
        // Σσ² = ‖Δ‖²_F
        expect(sigma.reduce((s, x) => s + x * x, 0)).toBeCloseTo((tensor.changes[0]?.norm ?? 0) ** 2, 4);
      }
    }
    expect(report.overall.changes[0]?.relative).toBeGreaterThan(0);
    expect(report.overall.similarity?.[0]?.[0]).toBe(1);
  });
});

describe('analyzeTuningVectors on a masked-LM base', () => {
  it('covers the shared tensors and lists the heads only one side has', async () => {
    const base = await writeMaskedLmBase(join(FIXTURES, 'base'), join(work, 'mlm-base'));
    const tuned = [join(FIXTURES, 'tuned_a'), join(FIXTURES, 'tuned_b')];
    const report = await analyzeTuningVectors(base, tuned, {
      spectra: false,
      names: { base: 'pretrained', tuned: ['clinic', 'forum'] },
    });
    const names = report.tensors.map((t) => t.name);
    expect(
      names.some((n) => n.startsWith('cls.') || n.startsWith('classifier.') || n.includes('pooler')),
    ).toBe(false);
    expect(names).toContain('bert.encoder.layer.0.attention.self.query.weight');
    expect(report.base).toBe('pretrained');
    expect(report.tuned).toEqual(['clinic', 'forum']);
    for (const model of ['clinic', 'forum']) {
      const mine = report.unshared.filter((u) => u.model === model);
      expect(
        mine
          .filter((u) => u.side === 'dropped')
          .map((u) => u.tensor)
          .sort(),
      ).toEqual([...MASKED_LM_HEAD].sort());
      expect(mine.filter((u) => u.side === 'added').map((u) => u.tensor)).toEqual([...CLASSIFIER_HEAD]);
    }
    expect(report.unshared.find((u) => u.tensor === 'classifier.weight')?.shape).toEqual([1, 32]);
    // The shared tensors' figures are those of the same models against the classifier base.
    const full = await analyzeTuningVectors(join(FIXTURES, 'base'), tuned, { spectra: false });
    const q = (r: typeof report) => r.tensors.find((t) => t.name.endsWith('layer.1.output.dense.weight'));
    expect(q(report)?.changes).toEqual(q(full)?.changes);
    expect(full.unshared).toEqual([]);
  });
});

describe('groupTensor', () => {
  it('names layer and module of BERT tensors', () => {
    expect(groupTensor('bert.encoder.layer.11.intermediate.dense.weight')).toEqual({
      layer: 'layer 11',
      layerIndex: 11,
      module: 'mlp.in',
    });
    expect(groupTensor('encoder.layer.2.output.dense.bias').module).toBe('mlp.out');
    expect(groupTensor('bert.encoder.layer.0.attention.output.dense.weight').module).toBe('attention.output');
    expect(groupTensor('bert.encoder.layer.0.attention.output.LayerNorm.bias').module).toBe('layernorm');
    expect(groupTensor('bert.embeddings.word_embeddings.weight')).toMatchObject({
      layer: 'embeddings',
      module: 'embeddings',
    });
    expect(groupTensor('bert.pooler.dense.weight')).toMatchObject({ layer: 'pooler', module: 'pooler' });
    expect(groupTensor('classifier.weight')).toMatchObject({ layer: 'head', module: 'head' });
  });
});
