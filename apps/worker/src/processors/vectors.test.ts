// Integration: real PostgreSQL, Redis and the sandboxed processor. A tuning-vector analysis with a
// dataset: the atlas figures (sign conflict, TIES interference, base subspace) and the per-layer
// CKA land in the Analysis row.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { VectorsReport } from '@tunelab/core/vectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProcessorTestEnv,
  destroyProcessorTestEnv,
  REPO_FIXTURES,
  runProcessorJob,
  type TProcessorTestEnv,
} from '../../test/processor-env.ts';

const FIXTURES = path.join(REPO_FIXTURES, 'merge');
let env: TProcessorTestEnv;
let prisma: TProcessorTestEnv['prisma'];

beforeAll(async () => {
  process.env.TUNELAB_BACKEND ??= 'cpu';
  env = await createProcessorTestEnv(
    'worker_atlas',
    Object.fromEntries(['base', 'tuned_a', 'tuned_b'].map((m) => [m, path.join(FIXTURES, m)])),
  );
  ({ prisma } = env);
  const config = JSON.parse(await readFile(path.join(FIXTURES, 'base/config.json'), 'utf8'));
  for (const id of ['base', 'tuned_a', 'tuned_b'])
    await prisma.model.create({
      data: {
        id,
        name: id,
        kind: id === 'base' ? 'base' : 'finetuned',
        config,
        artifactPath: `models/${id}`,
      },
    });
}, 120_000);

afterAll(async () => {
  const { closeProducer } = await import('@tunelab/jobs');
  await closeProducer();
  await destroyProcessorTestEnv(env);
});

async function run(params: Record<string, string | number | boolean>) {
  const created = await prisma.run.create({
    data: {
      kind: 'analyse',
      analysis: { create: { kind: 'vectors', modelIds: ['base', 'tuned_a', 'tuned_b'], params } },
    },
  });
  const { vectorsProcessor } = await import('./vectors.ts');
  const outcome = await runProcessorJob([vectorsProcessor], 'analysis.vectors', { runId: created.id }, 'cpu')
    .then(() => null)
    .catch((e: Error) => e);
  const row = await prisma.run.findUniqueOrThrow({ where: { id: created.id }, include: { analysis: true } });
  return { outcome, row, report: row.analysis?.result as VectorsReport | null };
}

describe('analysis.vectors with the atlas', () => {
  it('stores conflict, TIES interference, subspace shares and CKA per layer', async () => {
    const dataset = await prisma.dataset.create({
      data: {
        name: 'clinic',
        task: 'regression',
        labelMin: 0,
        labelMax: 6,
        textColumn: 'text',
        labelColumn: 'label',
        rowCount: 30,
        status: 'ready',
        rows: {
          create: Array.from({ length: 30 }, (_, i) => ({
            index: i,
            text: `note ${i} pain ${i % 4 === 0 ? 'severe' : 'mild'} today`,
            label: i % 7,
            split: i % 3 === 0 ? ('eval' as const) : ('train' as const),
          })),
        },
      },
    });
    const { outcome, row, report } = await run({
      spectra: false,
      tiesDensity: 0.5,
      topK: 4,
      datasetId: dataset.id,
      sampleRows: 8,
    });
    expect(outcome).toBeNull();
    expect(row).toMatchObject({ status: 'succeeded', progress: 1 });
    if (!report) throw new Error('no report');
    expect(report.options).toMatchObject({ tiesDensity: 0.5, topK: 4 });
    for (const layer of report.layers) {
      expect(layer.signConflict).toBeGreaterThanOrEqual(0);
      expect(layer.signConflict).toBeLessThanOrEqual(1);
      for (const change of layer.changes) {
        // Half of each vector's entries are trimmed: the smaller half, so less than half its energy.
        expect(change.tiesTrimmed).toBeGreaterThan(0);
        expect(change.tiesTrimmed).toBeLessThan(0.5);
        expect((change.tiesTrimmed ?? 0) + (change.tiesOverruled ?? 0)).toBeLessThanOrEqual(1);
      }
    }
    // Two independent fine-tunes disagree somewhere; TIES overrules part of each.
    expect(report.overall.signConflict).toBeGreaterThan(0);
    expect(report.overall.changes.every((c) => (c.tiesOverruled ?? 0) > 0)).toBe(true);
    const query = report.tensors.find((t) => t.name === 'bert.encoder.layer.0.attention.self.query.weight');
    expect(query?.subspaceChance).toBeCloseTo(16 / (32 * 32), 6);
    expect(query?.changes[0]?.inBaseSubspace).toBeGreaterThan(0);
    const activations = report.activations;
    // 10 eval rows, 8 sampled; embeddings + 2 layers; base against each tuned and one pair.
    expect(activations).toMatchObject({ rows: 8, layers: ['embeddings', 'layer 0', 'layer 1'] });
    expect(activations?.baseVsTuned).toHaveLength(2);
    expect(activations?.pairs).toEqual([{ a: 0, b: 1, cka: expect.any(Array) }]);
    for (const v of activations?.baseVsTuned.flat() ?? []) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });

  it('fails at once, naming the problem, for a dataset that does not exist or a bad density', async () => {
    const missing = await run({ datasetId: 'nowhere' });
    expect(missing.row.status).toBe('failed');
    expect(missing.outcome?.message).toMatch(/dataset nowhere does not exist/);
    expect(missing.report).toBeNull();
    const bad = await run({ tiesDensity: 1.5 });
    expect(bad.row.status).toBe('failed');
    expect(bad.outcome?.message).toMatch(/invalid analysis parameters/);
  });
});
