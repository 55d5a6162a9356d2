import { describe, expect, it } from 'vitest';
import { runProcessorJob, useProcessorTestEnv } from '../../test/processor-env.ts';

const env = useProcessorTestEnv('worker_pretrain');

describe('run.pretrain processor', () => {
  it('pretrains on WordNet glosses, saves a pretrained model and queues the follow-up runs', async () => {
    const { pretrainProcessor } = await import('./pretrain.ts');
    const dataset = await env.prisma.dataset.create({
      data: { name: 'd', task: 'regression', textColumn: 't', labelColumn: 'l', status: 'ready' },
    });
    const run = await env.prisma.run.create({
      data: {
        kind: 'pretrain',
        params: {
          hiddenSize: 32,
          layers: 1,
          heads: 2,
          vocabSize: 300,
          maxLength: 16,
          batchSize: 16,
          maxSteps: 4,
          corpus: { kind: 'wordnet-glosses', limit: 300 },
          modelName: 'gloss-bert',
          followUp: { datasetId: dataset.id, seeds: 2, params: { epochs: 1 } },
        },
      },
    });
    await runProcessorJob([pretrainProcessor], 'run.pretrain', { runId: run.id });
    const after = await env.prisma.run.findUniqueOrThrow({
      where: { id: run.id },
      include: { resultModel: true },
    });
    expect(after.status).toBe('succeeded');
    expect(after.resultModel?.kind).toBe('pretrained');
    expect(after.resultModel?.name).toBe('gloss-bert');
    expect(await env.prisma.metric.count({ where: { runId: run.id, name: 'loss' } })).toBe(4);
    const children = await env.prisma.run.findMany({
      where: { kind: 'train', modelId: after.resultModel?.id },
    });
    expect(children.map((c) => c.seed).sort()).toEqual([0, 1]);
    expect(children.every((c) => c.queueJobId?.startsWith('run-train-'))).toBe(true);
  }, 300_000);
});
