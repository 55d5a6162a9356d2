import { Rng } from '@tunelab/core/random';
import type { TrainExample } from '@tunelab/core/train';

/** A copy of `items` in a seeded random order (the package-wide generator). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  return new Rng(seed).shuffle(items.slice());
}

export interface RowLike extends TrainExample {
  index: number;
  split: string;
  fold?: number | null;
}

/**
 * Train and eval rows of a run. With `fold`, cross-validation: rows of that fold are scored and the
 * rows of the other folds trained on (test rows have no fold and stay out). Otherwise the
 * dataset's eval split is used when it has one; otherwise a fixed
 * (seed 0) `evalFraction` is held out, so every run on the dataset, whatever its seed, is scored on
 * the same rows. The training subset (`trainFraction`) is drawn with the run's seed, so a sweep's
 * seed spread includes the variation of which rows were seen.
 *
 * With `fold` (cross-validation) the rows of that fold are the eval rows and the rows of every other
 * fold train; rows without a fold (test) take no part.
 */
export function splitRows<R extends RowLike>(
  rows: readonly R[],
  opts: { evalFraction: number; trainFraction: number; seed: number; fold?: number },
): { train: R[]; eval: R[] } {
  const { fold } = opts;
  let train = rows.filter((r) =>
    fold === undefined ? r.split === 'train' : r.fold != null && r.fold !== fold,
  );
  let evalRows = rows.filter((r) => (fold === undefined ? r.split === 'eval' : r.fold === fold));
  if (fold !== undefined && evalRows.length === 0) {
    throw new Error(`The dataset has no rows in fold ${fold}: assign folds on its page first`);
  }
  if (evalRows.length === 0) {
    const pool = shuffled(train.length ? train : rows, 0);
    const nEval = Math.max(1, Math.round(pool.length * opts.evalFraction));
    evalRows = pool.slice(0, nEval).sort((a, b) => a.index - b.index);
    train = pool.slice(nEval).sort((a, b) => a.index - b.index);
  }
  if (opts.trainFraction < 1) {
    const n = Math.max(1, Math.round(train.length * opts.trainFraction));
    train = shuffled(train, opts.seed + 1).slice(0, n);
  }
  if (train.length === 0) throw new Error('No training rows left after splitting: the dataset is too small');
  return { train, eval: evalRows };
}
