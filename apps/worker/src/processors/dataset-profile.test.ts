// The dataset profile job against real Postgres: tokens per text against the max length a run on
// the dataset's model would truncate at, counted with that model's own tokenizer.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createProcessorTestEnv,
  destroyProcessorTestEnv,
  REPO_FIXTURES,
  runProcessorJob,
  type TProcessorTestEnv,
} from '../../test/processor-env.ts';

let env: TProcessorTestEnv;
let prisma: TProcessorTestEnv['prisma'];
beforeAll(async () => {
  env = await createProcessorTestEnv('worker_dataset_profile', {
    tiny: path.join(REPO_FIXTURES, 'tiny-bert'),
  });
  ({ prisma } = env);
}, 120_000);
afterAll(() => destroyProcessorTestEnv(env));

const WORDS = ['good', 'bad', 'great', 'awful', 'fine', 'terrible', 'nice', 'poor'];

describe('dataset.profile', () => {
  it('fills tokens per text against the model max length with its tokenizer', async () => {
    const texts = [
      ...Array.from({ length: 8 }, (_, i) => `${WORDS[i]} thing`),
      // two long transcripts: far over tiny-bert's 64 positions
      ...[90, 120].map((n) => Array.from({ length: n }, (_, k) => WORDS[k % 8]).join(' ')),
    ];
    const dataset = await prisma.dataset.create({
      data: {
        name: 'transcripts',
        task: 'regression',
        textColumn: 'text',
        labelColumn: 'label',
        rowCount: texts.length,
        rows: { create: texts.map((text, index) => ({ index, text, label: index % 3, split: 'train' })) },
      },
    });
    await prisma.model.create({
      data: {
        id: 'tiny',
        name: 'tiny-bert',
        kind: 'base',
        config: { max_position_embeddings: 64 },
        tokenizer: {},
        artifactPath: 'models/tiny',
      },
    });
    const { datasetProfileProcessor } = await import('./dataset-profile.ts');
    await runProcessorJob([datasetProfileProcessor], 'dataset.profile', { datasetId: dataset.id }, 'control');
    const after = await prisma.dataset.findUniqueOrThrow({ where: { id: dataset.id } });
    expect(after.status).toBe('ready');
    const tokens = (after.stats as { tokens?: Record<string, unknown> }).tokens;
    // recount with the fixture's tokenizer: [CLS] + one piece per word + [SEP]
    const { loadTokenizerFromDir } = await import('@tunelab/core/tokenizer');
    const { tokenizer } = await loadTokenizerFromDir(path.join(REPO_FIXTURES, 'tiny-bert'));
    const lengths = texts.map((t) => tokenizer.encode(t, Number.MAX_SAFE_INTEGER).ids.length);
    const total = lengths.reduce((a, b) => a + b, 0);
    const dropped = lengths.reduce((a, n) => a + Math.max(0, n - 64), 0);
    expect(lengths.filter((n) => n > 64)).toHaveLength(2);
    expect(tokens).toMatchObject({ model: 'tiny-bert', maxLength: 64, overMax: 2 });
    expect(tokens?.droppedShare).toBeCloseTo(dropped / total, 12);
    expect((tokens?.quantiles as { max: number } | undefined)?.max).toBe(Math.max(...lengths));
  }, 60_000);
});
