import { ZTrainParams } from '@tunelab/core/dashboard';
import { prisma } from '@tunelab/db';
import { createQueuedRuns } from '@tunelab/jobs';
import { z } from 'zod';
import { checkCompatibility, type DatasetFacts, type ModelFacts } from './compatibility.ts';

export const ZLaunchRuns = z.object({
  modelId: z.string().min(1, 'Choose a base model'),
  datasetId: z.string().min(1, 'Choose a dataset'),
  params: ZTrainParams,
  seeds: z.number().int().min(1).max(20).default(1),
  tags: z.array(z.string().min(1).max(40)).max(10).default([]),
  sweepId: z.string().optional(),
});
export type TLaunchRuns = z.input<typeof ZLaunchRuns>;

export class LaunchRefused extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join(' '));
  }
}

export async function modelFacts(modelId: string): Promise<ModelFacts | undefined> {
  const m = await prisma.model.findUnique({ where: { id: modelId } });
  if (!m) return undefined;
  return toModelFacts(m);
}

/** max_position_embeddings of a stored HF config, or null when the config does not say. */
export function maxPositionsOf(config: unknown): number | null {
  const value = (config as { max_position_embeddings?: unknown } | null)?.max_position_embeddings;
  return typeof value === 'number' ? value : null;
}

export function toModelFacts(m: {
  id: string;
  name: string;
  kind: string;
  task: string | null;
  numLabels: number | null;
  tokenizer: unknown;
  config: unknown;
}): ModelFacts {
  return {
    id: m.id,
    name: m.name,
    kind: m.kind,
    task: m.task,
    numLabels: m.numLabels,
    hasTokenizer: m.tokenizer !== null && m.tokenizer !== undefined,
    maxPositions: maxPositionsOf(m.config),
  };
}

export function toDatasetFacts(d: {
  id: string;
  name: string;
  task: string;
  status: string;
  rowCount: number;
  classes: unknown;
}): DatasetFacts {
  return {
    id: d.id,
    name: d.name,
    task: d.task,
    status: d.status,
    rowCount: d.rowCount,
    classCount: Array.isArray(d.classes) ? d.classes.length : null,
  };
}

/**
 * Creates one Run per seed (seed = params.seed + i) and enqueues run.train for each (run.crossval,
 * a parent of k folds, when `params.cv` asks for a k-fold cross-validation). Refuses, before
 * writing anything, when the model and dataset do not fit together.
 */
export async function launchRuns(input: TLaunchRuns): Promise<string[]> {
  const req = ZLaunchRuns.parse(input);
  const [model, row] = await Promise.all([
    modelFacts(req.modelId),
    prisma.dataset.findUnique({ where: { id: req.datasetId } }),
  ]);
  const dataset = row ? toDatasetFacts(row) : undefined;
  const problems = checkCompatibility(model, dataset, req.params);
  const folds = (row?.folds as { k?: number } | null)?.k;
  if (row && req.params.fold !== undefined && !(folds && req.params.fold < folds)) {
    problems.push(
      folds
        ? `Dataset "${row.name}" has ${folds} folds (0..${folds - 1}): fold ${req.params.fold} does not exist.`
        : `Dataset "${row.name}" has no folds: assign them on its page before a cross-validation run.`,
    );
  }
  const cv = req.params.cv;
  if (cv && req.params.fold !== undefined)
    problems.push('A k-fold cross-validation runs every fold itself: leave the fold empty.');
  if (row && cv?.grouped && !row.groupColumn)
    problems.push(
      `Dataset "${row.name}" has no document column: upload it with one to keep documents whole, or untick it.`,
    );
  if (row && cv && row.rowCount < cv.k)
    problems.push(`Dataset "${row.name}" has ${row.rowCount} rows, fewer than k = ${cv.k} folds.`);
  if (req.params.referenceModelId !== undefined) {
    const reference = await prisma.model.findUnique({
      where: { id: req.params.referenceModelId },
      select: { id: true },
    });
    if (!reference)
      problems.push(`Reference model ${req.params.referenceModelId} does not exist: pick another reference.`);
  }
  if (problems.length) throw new LaunchRefused(problems);

  return createQueuedRuns(
    Array.from({ length: req.seeds }, (_, i) => ({
      // with params.cv, one cross-validation parent per seed; it queues its k folds (run.crossval)
      kind: cv ? ('crossval' as const) : ('train' as const),
      model: { connect: { id: req.modelId } },
      dataset: { connect: { id: req.datasetId } },
      params: { ...req.params, seed: req.params.seed + i },
      seed: req.params.seed + i,
      fraction: req.params.trainFraction,
      tags: req.tags,
      ...(req.sweepId ? { sweep: { connect: { id: req.sweepId } } } : {}),
    })),
  );
}
