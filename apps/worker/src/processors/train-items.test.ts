import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_FIXTURES, runProcessorJob, useProcessorTestEnv } from '../../test/processor-env.ts';

const env = useProcessorTestEnv('worker_train_items', { tiny: path.join(REPO_FIXTURES, 'tiny-bert') });

const ITEMS = ['mood', 'sleep', 'appetite'];
const WORDS = ['good', 'bad', 'great', 'awful', 'fine', 'terrible', 'nice', 'poor'];

describe('run.train on a multi-item dataset (long shape, windows)', () => {
  it('trains one output per item; curves, summary and exported model are per item', async () => {
    const dataset = await env.prisma.dataset.create({
      data: {
        name: 'scale',
        task: 'regression',
        labelMin: 0,
        labelMax: 6,
        textColumn: 'text',
        labelColumn: 'score',
        shape: 'long',
        itemColumn: 'item',
        items: ITEMS.map((name) => ({ name, labelMin: 0, labelMax: 6 })),
        status: 'ready',
        rows: {
          create: Array.from({ length: 36 }, (_, i) => ({
            index: i,
            // long enough for several windows of 12 tokens
            text: Array.from({ length: 8 }, (_, k) => `${WORDS[(i + k) % 8]} thing`).join(' '),
            label: (i % 7) % 6,
            item: i % 3,
            split: i % 4 === 3 ? ('eval' as const) : ('train' as const),
          })),
        },
      },
    });
    const model = await env.prisma.model.create({
      data: {
        id: 'tiny',
        name: 'tiny-bert',
        kind: 'base',
        config: {},
        tokenizer: {},
        artifactPath: 'models/tiny',
      },
    });
    const run = await env.prisma.run.create({
      data: {
        kind: 'train',
        datasetId: dataset.id,
        modelId: model.id,
        params: {
          epochs: 1,
          batchSize: 8,
          maxLength: 16,
          lr: 1e-3,
          longText: 'windows',
          window: 12,
          stride: 6,
        },
      },
    });
    const { trainProcessor } = await import('./train.ts');
    expect(
      ((await runProcessorJob([trainProcessor], 'run.train', { runId: run.id })) as { status: string })
        .status,
    ).toBe('succeeded');
    const after = await env.prisma.run.findUniqueOrThrow({
      where: { id: run.id },
      include: { resultModel: true },
    });
    const summary = after.summary as {
      metrics: { mae: number };
      items: Record<string, { metrics: { mae: number; n: number }; errorReduction?: { mae: number | null } }>;
      reference: { kind: string };
    };
    expect(Object.keys(summary.items)).toEqual(ITEMS);
    for (const item of ITEMS) expect(summary.items[item]?.metrics.n).toBe(3);
    expect(summary.metrics.mae).toBeCloseTo(
      ITEMS.reduce((s, item) => s + (summary.items[item]?.metrics.mae ?? 0), 0) / 3,
      10,
    );
    expect(summary.reference.kind).toMatch(/per item/);
    expect(summary.items.mood?.errorReduction?.mae).toBeTypeOf('number');
    for (const item of ITEMS)
      expect(
        await env.prisma.metric.count({ where: { runId: run.id, name: `${item}/mae`, split: 'eval' } }),
      ).toBe(1);
    const config = after.resultModel?.config as { num_labels: number; id2label: Record<string, string> };
    expect(config.num_labels).toBe(3);
    expect(config.id2label).toEqual({ 0: 'mood', 1: 'sleep', 2: 'appetite' });
  }, 300_000);

  it('error reduction against a named base model: its untrained head, one output per item, per item', async () => {
    const dataset = await env.prisma.dataset.create({
      data: {
        name: 'scale-vs-base',
        task: 'regression',
        labelMin: 0,
        labelMax: 6,
        textColumn: 'text',
        labelColumn: 'score',
        shape: 'long',
        itemColumn: 'item',
        items: ITEMS.map((name) => ({ name, labelMin: 0, labelMax: 6 })),
        status: 'ready',
        rows: {
          create: Array.from({ length: 24 }, (_, i) => ({
            index: i,
            text: `${WORDS[i % 8]} thing ${WORDS[(i * 3) % 8]}`,
            label: 3 + ((i % 7) % 4),
            item: i % 3,
            split: i % 4 === 3 ? ('eval' as const) : ('train' as const),
          })),
        },
      },
    });
    const run = await env.prisma.run.create({
      data: {
        kind: 'train',
        datasetId: dataset.id,
        modelId: 'tiny',
        params: { epochs: 1, batchSize: 8, maxLength: 16, lr: 1e-3, seed: 4, referenceModelId: 'tiny' },
      },
    });
    const { trainProcessor } = await import('./train.ts');
    expect(
      ((await runProcessorJob([trainProcessor], 'run.train', { runId: run.id })) as { status: string })
        .status,
    ).toBe('succeeded');
    const { summary } = await env.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    type Figures = { mae: number; n: number };
    const s = summary as {
      metrics: Figures;
      reference: { kind: string; metrics: Figures };
      errorReduction: { mae: number };
      items: Record<string, { metrics: Figures; reference: Figures; errorReduction: { mae: number } }>;
    };
    // tiny-bert has one output: as the study's untuned base, it gets a fresh head of three, seeded
    expect(s.reference.kind).toBe('model "tiny-bert" (untrained head, seed 4)');
    // the reference's figures per item, recomputed from the base's predictions on the eval rows
    const { loadModel, predict } = await import('@tunelab/core/train');
    const base = await loadModel(path.join(REPO_FIXTURES, 'tiny-bert'), {
      task: 'regression',
      numLabels: 3,
      seed: 4,
    });
    const rows = await env.prisma.datasetRow.findMany({
      where: { datasetId: dataset.id, split: 'eval' },
      orderBy: { index: 'asc' },
    });
    const values = predict(
      base.model,
      base.tokenizer,
      rows.map((r) => r.text),
      { maxLength: 16 },
    ).map((p) => p.values ?? p.logits);
    base.model.dispose();
    ITEMS.forEach((item, j) => {
      const mine = rows.flatMap((r, i) =>
        r.item === j ? [Math.abs((values[i]?.[j] as number) - r.label)] : [],
      );
      const refMae = mine.reduce((a, b) => a + b, 0) / mine.length;
      const it = s.items[item];
      expect(it?.reference.n).toBe(mine.length);
      expect(it?.metrics.n).toBe(mine.length);
      expect(it?.reference.mae).toBeCloseTo(refMae, 5);
      expect(it?.errorReduction.mae).toBeCloseTo(1 - (it?.metrics.mae as number) / refMae, 5);
    });
    expect(s.reference.metrics.mae).toBeCloseTo(
      ITEMS.reduce((a, item) => a + (s.items[item]?.reference.mae ?? 0), 0) / 3,
      10,
    );
    expect(s.errorReduction.mae).toBeCloseTo(1 - s.metrics.mae / s.reference.metrics.mae, 10);
  }, 300_000);
});
