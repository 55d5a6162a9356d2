import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
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
  env = await createProcessorTestEnv('worker_sweep');
  ({ prisma } = env);
}, 120_000);

afterAll(() => destroyProcessorTestEnv(env));

describe('sweep.launch processor', () => {
  it('creates one run per fraction × seed with the recipe, queues them, and is idempotent', async () => {
    const { sweepProcessor } = await import('./sweep.ts');
    const dataset = await prisma.dataset.create({
      data: { name: 'd', task: 'regression', textColumn: 't', labelColumn: 'l', status: 'ready' },
    });
    const model = await prisma.model.create({
      data: { name: 'm', kind: 'base', config: {}, artifactPath: 'models/x' },
    });
    const sweep = await prisma.sweep.create({
      data: {
        name: 's',
        recipe: { epochs: 2, lr: 1e-4 },
        fractions: [0.25, 1],
        seeds: [0, 1, 2],
        datasetId: dataset.id,
        baseModelId: model.id,
      },
    });
    // Run twice with the same job id, as a retry would: the second launch must create nothing new.
    await runProcessorJob([sweepProcessor], 'sweep.launch', { sweepId: sweep.id }, 'cpu');
    await runProcessorJob([sweepProcessor], 'sweep.launch', { sweepId: sweep.id }, 'cpu');
    const runs = await prisma.run.findMany({ where: { sweepId: sweep.id } });
    expect(runs).toHaveLength(6);
    const quarter = runs.filter((r) => r.fraction === 0.25).map((r) => r.seed);
    expect(quarter.sort()).toEqual([0, 1, 2]);
    const params = runs[0]?.params as { epochs: number; trainFraction: number; seed: number };
    expect(params.epochs).toBe(2);
    expect(params.trainFraction).toBe(runs[0]?.fraction);
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
      maxRetriesPerRequest: null,
    });
    const q = new Queue('compute', { connection: redis, prefix: env.prefix });
    expect(await q.getJobCountByTypes('waiting', 'prioritized')).toBe(6);
    await q.close();
    await redis.quit();
  }, 120_000);
});
