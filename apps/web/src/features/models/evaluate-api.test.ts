// Integration: real PostgreSQL and Redis. POST /api/models/[id]/evaluate refuses, before queueing, a
// model that cannot score the dataset's scale (multi-item: one output per item, the same items).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebTestEnv, destroyWebTestEnv, type TWebTestEnv } from '../../../test/web-test-env.ts';
import { POST_EVALUATE } from './api/model-routes.ts';

let env: TWebTestEnv;
let prisma: TWebTestEnv['prisma'];
beforeAll(async () => {
  env = await createWebTestEnv('evaluate_items', { computeProcessorFile: null });
  ({ prisma } = env);
}, 60_000);
afterAll(() => destroyWebTestEnv(env));

const ITEMS = ['mood', 'sleep', 'appetite'];
const evaluate = (modelId: string, datasetId: string) =>
  POST_EVALUATE(
    new Request(`http://test/api/models/${modelId}/evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ datasetId }),
    }),
    { params: Promise.resolve({ id: modelId }) },
  );

describe('POST /api/models/[id]/evaluate on a multi-item dataset', () => {
  it('queues a model of the scale; refuses another scale, naming model, dataset and items', async () => {
    const scale = await prisma.dataset.create({
      data: {
        name: 'scale',
        task: 'regression',
        textColumn: 'text',
        labelColumn: 'mood',
        shape: 'wide',
        items: ITEMS.map((name) => ({ name, labelMin: 0, labelMax: 6 })),
        status: 'ready',
        rows: {
          create: [{ index: 0, text: 'a', label: 1, labels: [1, 2, 3], split: 'eval' }],
        },
      },
    });
    const model = (id: string, numLabels: number, names: string[]) =>
      prisma.model.create({
        data: {
          id,
          name: id,
          kind: 'finetuned',
          task: 'regression',
          numLabels,
          config: { num_labels: numLabels, id2label: Object.fromEntries(names.map((n, i) => [i, n])) },
          artifactPath: `models/${id}`,
        },
      });
    await model('three', 3, ITEMS);
    await model('one', 1, ['LABEL_0']);
    await model('shuffled', 3, ['sleep', 'mood', 'appetite']);

    const ok = await evaluate('three', scale.id);
    expect(ok.status).toBe(201);
    const { runId } = (await ok.json()) as { runId: string };
    expect((await prisma.run.findUniqueOrThrow({ where: { id: runId } })).kind).toBe('evaluate');

    const runs = await prisma.run.count();
    const one = await evaluate('one', scale.id);
    expect(one.status).toBe(422);
    expect(((await one.json()) as { error: string }).error).toBe(
      'Model "one" has 1 output but the scale has 3 items (mood, sleep, appetite) (dataset "scale"): evaluate a model fine-tuned on this scale',
    );
    const shuffled = await evaluate('shuffled', scale.id);
    expect(shuffled.status).toBe(422);
    expect(((await shuffled.json()) as { error: string }).error).toContain(
      "scores the items sleep, mood, appetite but the scale's are mood, sleep, appetite",
    );
    expect(await prisma.run.count()).toBe(runs);
  });
});
