// `tunelab train --folds K`: k-fold cross-validation over the train + eval files, one fold at a
// time, with the folds the dashboard's cross-validation makes (core `crossValidationFolds`:
// seeded, stratified, documents kept whole with --group-column), judged on every row of the fold or
// (--eval-source real, the study's protocol) on its real rows only, with error reduction against the
// default reference (the mean of the fold's training labels, per item; majority class).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { summarizeFolds } from '@tunelab/core/crossval';
import { crossValidationFolds, type TTask } from '@tunelab/core/datasets';
import {
  errorReductions,
  flattenItemMetrics,
  itemMetricName,
  labelRangeOf,
  nestItemMetrics,
  scoreItemsReference,
  scoreReference,
  type TLabelSpace,
  type TMetricValues,
} from '@tunelab/core/metrics';
import { itemLabelsOf, type TrainExample, type TrainFolderInput, trainFolder } from '@tunelab/core/train';

export interface CrossValidationInput {
  examples: TrainExample[];
  groups?: (string | null)[];
  /** Each example's source; with `evalSource: 'real'` only real rows of a fold are scored. */
  sources?: ('real' | 'synthetic')[];
  evalSource?: 'all' | 'real';
  task: TTask;
  k: number;
  seed: number;
  outDir: string;
  base: Omit<TrainFolderInput, 'outDir' | 'train' | 'eval'>;
  log: (line: string) => void;
}

/** Keys of a fold's error reductions beside its metrics (per item too: `<item>/error_reduction_mae`). */
export const ERROR_REDUCTION_KEYS = {
  mae: 'error_reduction_mae',
  flexible: 'error_reduction_flexible',
} as const;

/** The default reference scored on a fold's eval rows, and its name. */
function foldReference(
  input: CrossValidationInput,
  train: readonly TrainExample[],
  evalRows: readonly TrainExample[],
  labelRange: [number, number] | undefined,
): { kind: string; metrics: TMetricValues; items?: Record<string, TMetricValues> } {
  const o = input.base.options;
  const tolerance = o.tolerance ?? 1;
  const items = o.items;
  if (items && items.length > 1) {
    const n = items.length;
    const ref = scoreItemsReference(
      train.map((r, i) => itemLabelsOf(r, n, `train row ${i + 1}`)),
      evalRows.map((r, i) => ({ labels: itemLabelsOf(r, n, `eval row ${i + 1}`) })),
      items.map((item) => ({
        name: item.name,
        space: { task: 'regression', labelRange: item.labelRange ?? labelRange ?? null, tolerance },
      })),
    );
    return {
      kind: ref.kind,
      metrics: ref.scores.metrics,
      items: Object.fromEntries(Object.entries(ref.scores.items ?? {}).map(([k, s]) => [k, s.metrics])),
    };
  }
  const space: TLabelSpace =
    input.task === 'regression'
      ? { task: 'regression', labelRange: labelRange ?? null, tolerance }
      : {
          task: 'classification',
          numClasses:
            o.numLabels ?? input.base.classes?.length ?? labelRangeOf(train.map((r) => r.label))[1] + 1,
        };
  const ref = scoreReference(
    train.map((r) => r.label),
    evalRows,
    space,
  );
  return { kind: ref.kind, metrics: ref.scores.metrics };
}

/**
 * Trains fold i on every other fold and scores it on fold i (model in OUT/fold-i), then writes
 * OUT/metrics.json: `{"cv": {"k", "eval_source", "reference", "folds": [{fold, train_rows,
 * eval_rows, metrics, reference}], "mean", "std", "std_kind": "sample"}}` (std with divisor k − 1)
 * and returns it; `reference` is the reference's own figures on the fold. Each `metrics` holds the figures (multi-item: the means over items, each item's under
 * `items`) and the error reductions against the fold's reference (`error_reduction_mae`,
 * `error_reduction_flexible`); `mean` and `std` are over the folds, per item too.
 */
export async function trainCrossValidation(input: CrossValidationInput) {
  const evalSource = input.evalSource ?? 'all';
  if (evalSource === 'real' && !input.sources)
    throw new Error('--eval-source real needs --source-column: which rows are real');
  const rows = input.examples.map((e, i) => ({ ...e, group: input.groups?.[i] ?? null }));
  const folds = crossValidationFolds(rows, {
    task: input.task,
    k: input.k,
    seed: input.seed,
    grouped: input.groups !== undefined,
  });
  // one label range for every fold and its reference: the files' (train ∪ eval), unless given
  const labelRange =
    input.task === 'regression'
      ? (input.base.options.labelRange ?? labelRangeOf(input.examples.map((e) => e.label)))
      : undefined;
  const results: {
    fold: number;
    train_rows: number;
    eval_rows: number;
    metrics: Record<string, unknown>;
    reference: Record<string, unknown>;
  }[] = [];
  const flat: { fold: number; metrics: Record<string, number> }[] = [];
  let referenceKind = '';
  for (let fold = 0; fold < input.k; fold++) {
    const train = input.examples.filter((_, i) => folds[i] !== fold);
    const evalRows = input.examples.filter(
      (_, i) => folds[i] === fold && (evalSource === 'all' || input.sources?.[i] === 'real'),
    );
    if (evalRows.length === 0)
      throw new Error(
        `fold ${fold} of ${input.k} has no real rows to judge: use fewer folds or add real rows`,
      );
    input.log(
      `train: fold ${fold} of ${input.k}: ${train.length} train rows, ${evalRows.length} eval rows${evalSource === 'real' ? ' (real rows only)' : ''}`,
    );
    const result = await trainFolder({
      ...input.base,
      options: { ...input.base.options, ...(labelRange ? { labelRange } : {}) },
      outDir: join(input.outDir, `fold-${fold}`),
      train,
      eval: evalRows,
    });
    const metrics = Object.fromEntries(
      Object.entries(result.metrics ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number'),
    );
    const reference = foldReference(input, train, evalRows, labelRange);
    referenceKind = reference.kind;
    const withReductions = (prefix: (k: string) => string, m: TMetricValues, ref: TMetricValues) => {
      const er = errorReductions(input.task, m, ref);
      for (const [key, name] of Object.entries(ERROR_REDUCTION_KEYS)) {
        const v = er[key as keyof typeof er];
        if (v !== null && Number.isFinite(v)) metrics[prefix(name)] = v;
      }
    };
    withReductions((k) => k, metrics, reference.metrics);
    for (const [item, ref] of Object.entries(reference.items ?? {})) {
      const own = Object.fromEntries(
        Object.entries(metrics)
          .filter(([k]) => k.startsWith(`${item}/`))
          .map(([k, v]) => [k.slice(item.length + 1), v]),
      );
      withReductions((k) => itemMetricName(item, k), own, ref);
    }
    flat.push({ fold, metrics });
    results.push({
      fold,
      train_rows: train.length,
      eval_rows: evalRows.length,
      metrics: nestItemMetrics(metrics),
      reference: nestItemMetrics(flattenItemMetrics(reference.metrics, reference.items)),
    });
  }
  const summary = summarizeFolds(flat);
  const cv = {
    k: input.k,
    seed: input.seed,
    grouped: input.groups !== undefined,
    eval_source: evalSource,
    reference: referenceKind.replace(/\s*\(.*\)$/, ''),
    folds: results,
    mean: nestItemMetrics(summary.mean),
    std: nestItemMetrics(summary.std),
    std_kind: 'sample' as const,
  };
  await mkdir(input.outDir, { recursive: true });
  await writeFile(join(input.outDir, 'metrics.json'), `${JSON.stringify({ cv }, null, 2)}\n`);
  return cv;
}
