// `tunelab train --folds K`: k-fold cross-validation over the train + eval files, one fold at a
// time, with the folds the dashboard's cross-validation makes (core `crossValidationFolds`:
// seeded, stratified, documents kept whole with --group-column).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { summarizeFolds } from '@tunelab/core/crossval';
import { crossValidationFolds, type TTask } from '@tunelab/core/datasets';
import { type TrainExample, type TrainFolderInput, trainFolder } from '@tunelab/core/train';

export interface CrossValidationInput {
  examples: TrainExample[];
  groups?: (string | null)[];
  task: TTask;
  k: number;
  seed: number;
  outDir: string;
  base: Omit<TrainFolderInput, 'outDir' | 'train' | 'eval'>;
  log: (line: string) => void;
}

/**
 * Trains fold i on every other fold and scores it on fold i (model in OUT/fold-i), then writes
 * OUT/metrics.json: `{"cv": {"k", "folds": [{fold, train_rows, eval_rows, metrics}], "mean",
 * "std", "std_kind": "sample"}}` (std with divisor k − 1) and returns it.
 */
export async function trainCrossValidation(input: CrossValidationInput) {
  const rows = input.examples.map((e, i) => ({ ...e, group: input.groups?.[i] ?? null }));
  const folds = crossValidationFolds(rows, {
    task: input.task,
    k: input.k,
    seed: input.seed,
    grouped: input.groups !== undefined,
  });
  const results: { fold: number; train_rows: number; eval_rows: number; metrics: Record<string, number> }[] =
    [];
  for (let fold = 0; fold < input.k; fold++) {
    const train = input.examples.filter((_, i) => folds[i] !== fold);
    const evalRows = input.examples.filter((_, i) => folds[i] === fold);
    input.log(`train: fold ${fold} of ${input.k}: ${train.length} train rows, ${evalRows.length} eval rows`);
    const result = await trainFolder({
      ...input.base,
      outDir: join(input.outDir, `fold-${fold}`),
      train,
      eval: evalRows,
    });
    const metrics = Object.fromEntries(
      Object.entries(result.metrics ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number'),
    );
    results.push({ fold, train_rows: train.length, eval_rows: evalRows.length, metrics });
  }
  const summary = summarizeFolds(results);
  const cv = {
    k: input.k,
    seed: input.seed,
    grouped: input.groups !== undefined,
    folds: results,
    mean: summary.mean,
    std: summary.std,
    std_kind: 'sample' as const,
  };
  await mkdir(input.outDir, { recursive: true });
  await writeFile(join(input.outDir, 'metrics.json'), `${JSON.stringify({ cv }, null, 2)}\n`);
  return cv;
}
