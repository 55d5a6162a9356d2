import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProcessorTestEnv,
  destroyProcessorTestEnv,
  runProcessorJob,
  type TProcessorTestEnv,
} from '../../test/processor-env.ts';

let env: TProcessorTestEnv;
let prisma: TProcessorTestEnv['prisma'];

beforeAll(async () => {
  env = await createProcessorTestEnv('worker_pretrain');
  ({ prisma } = env);
}, 120_000);

afterAll(() => destroyProcessorTestEnv(env));

describe('run.pretrain processor', () => {
  it('pretrains on WordNet glosses, saves a pretrained model and queues the follow-up runs', async () => {
    const { pretrainProcessor } = await import('./pretrain.ts');
    const dataset = await prisma.dataset.create({
      data: { name: 'd', task: 'regression', textColumn: 't', labelColumn: 'l', status: 'ready' },
    });
    const run = await prisma.run.create({
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
    const after = await prisma.run.findUniqueOrThrow({
      where: { id: run.id },
      include: { resultModel: true },
    });
    expect(after.status).toBe('succeeded');
    expect(after.resultModel?.kind).toBe('pretrained');
    expect(after.resultModel?.name).toBe('gloss-bert');
    expect(await prisma.metric.count({ where: { runId: run.id, name: 'loss' } })).toBe(4);
    const children = await prisma.run.findMany({ where: { kind: 'train', modelId: after.resultModel?.id } });
    expect(children.map((c) => c.seed).sort()).toEqual([0, 1]);
    expect(children.every((c) => c.queueJobId?.startsWith('run-train-'))).toBe(true);
  }, 300_000);
});
