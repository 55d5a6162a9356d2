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
});
