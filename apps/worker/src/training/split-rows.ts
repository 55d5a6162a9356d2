import { crossValidationFolds, type TTask } from '@tunelab/core/datasets';
import { InputError } from '@tunelab/core/errors';
import { Rng } from '@tunelab/core/random';
import { drawMixture } from '@tunelab/core/sweeps';
import type { TrainExample } from '@tunelab/core/train';

/** A copy of `items` in a seeded random order (the package-wide generator). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  return new Rng(seed).shuffle(items.slice());
}

export interface RowLike extends TrainExample {
  index: number;
  split: string;
  fold?: number | null;
  source?: 'real' | 'synthetic';
  group?: string | null;
}

export interface SplitOptions {
  evalFraction: number;
  trainFraction: number;
  seed: number;
  fold?: number;
  /** Folds computed here (cross-validation as one job) instead of the dataset's stored ones. */
  cv?: { k: number; seed: number; grouped: boolean };
  /** Two-way sweep cell: the share of synthetic rows, over the sweep's grid of shares. */
  mix?: { share: number; shares: number[] };
  /** Needed with `cv`: strata are classes or rounded labels. */
  task?: TTask;
}

/**
 * The rows with their fold index when the run computes its own folds (`cv`): seeded, stratified
 * and grouped over the train and eval rows (test rows stay out, fold null), so every fold of one
 * cross-validation sees the same assignment.
 */
export function withComputedFolds<R extends RowLike>(rows: readonly R[], opts: SplitOptions): R[] {
  if (!opts.cv) return rows.slice();
  const pool = rows.filter((r) => r.split !== 'test');
  if (opts.fold !== undefined && opts.fold >= opts.cv.k)
    throw new InputError(`fold ${opts.fold} does not exist in a ${opts.cv.k}-fold cross-validation`);
  let folds: number[];
  try {
    folds = crossValidationFolds(pool, {
      task: opts.task ?? 'regression',
      k: opts.cv.k,
      seed: opts.cv.seed,
      grouped: opts.cv.grouped,
    });
  } catch (e) {
    throw new InputError(`cross-validation: ${(e as Error).message}`);
  }
  const foldOf = new Map(pool.map((r, i) => [r, folds[i] as number]));
  return rows.map((r) => ({ ...r, fold: foldOf.get(r) ?? null }));
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
 * fold train; rows without a fold (test) take no part. With `cv` the folds are computed from the
 * rows (`withComputedFolds`). With `mix` (a two-way sweep cell) the training subset is
 * `drawMixture`'s and only real eval rows are scored.
 */
export function splitRows<R extends RowLike>(
  rows: readonly R[],
  opts: SplitOptions,
): { train: R[]; eval: R[] } {
  if (opts.cv) rows = withComputedFolds(rows, opts);
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
  if (opts.mix) {
    // two-way sweep: every share is judged on the same real eval rows
    evalRows = evalRows.filter((r) => r.source !== 'synthetic');
    if (evalRows.length === 0)
      throw new InputError('A two-way sweep scores real rows: the eval rows are all synthetic');
    train = drawMixture(
      train.map((r) => ({ ...r, source: r.source ?? 'real' })),
      { fraction: opts.trainFraction, share: opts.mix.share, shares: opts.mix.shares, seed: opts.seed },
    );
  } else if (opts.trainFraction < 1) {
    const n = Math.max(1, Math.round(train.length * opts.trainFraction));
    train = shuffled(train, opts.seed + 1).slice(0, n);
  }
  if (train.length === 0) throw new Error('No training rows left after splitting: the dataset is too small');
  return { train, eval: evalRows };
}
