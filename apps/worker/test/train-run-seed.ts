// A small fine-tuning run on the tiny-bert fixture for the fault drills and the train processor's
// tests: a dataset of `rows` regression rows and a train Run with the given params, the base model
// copied into `artifacts`.
import { cp } from 'node:fs/promises';
import path from 'node:path';
import type { PrismaClient } from '@tunelab/db';
import { REPO_FIXTURES } from './processor-env.ts';

export async function seedTrainRun(
  prisma: PrismaClient,
  artifacts: string,
  params: Record<string, number | string>,
  rows = 40,
  options: { cancelRequested?: boolean } = {},
): Promise<{ id: string; datasetId: string | null; modelId: string | null }> {
  await cp(path.join(REPO_FIXTURES, 'tiny-bert'), path.join(artifacts, 'models', 'tiny'), {
    recursive: true,
  });
  const words = ['good', 'bad', 'great', 'awful', 'fine', 'terrible', 'nice', 'poor'];
  const dataset = await prisma.dataset.create({
    data: {
      name: 'toy',
      task: 'regression',
      labelMin: -2,
      labelMax: 2,
      textColumn: 'text',
      labelColumn: 'label',
      rowCount: rows,
      status: 'ready',
      rows: {
        create: Array.from({ length: rows }, (_, i) => ({
          index: i,
          text: `${words[i % 8]} thing ${i}`,
          label: (i % 8) % 2 === 0 ? 2 : -2,
          split: 'train' as const,
        })),
      },
    },
  });
  const model = await upsertTinyModel(prisma);
  return prisma.run.create({
    data: {
      kind: 'train',
      status: 'queued',
      datasetId: dataset.id,
      modelId: model.id,
      params,
      cancelRequested: options.cancelRequested ?? false,
    },
    select: { id: true, datasetId: true, modelId: true },
  });
}

/** The tiny-bert base model row (id `tiny`, artifacts at models/tiny), created once per database. */
export function upsertTinyModel(prisma: PrismaClient): Promise<{ id: string }> {
  return prisma.model.upsert({
    where: { id: 'tiny' },
    update: {},
    create: {
      id: 'tiny',
      name: 'tiny-bert',
      kind: 'base',
      config: {},
      tokenizer: {},
      artifactPath: 'models/tiny',
    },
    select: { id: true },
  });
}
