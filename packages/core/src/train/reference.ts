// A model named as the reference of error reduction (`tunelab eval --reference-model`, a run's
// params.referenceModelId): loaded in the label space of the model it is compared with, so both are
// scored on the same rows alike. One place decides its head: its own when it has one of that space,
// else one initialised from the seed and never trained (the MADRS-BERT study's untuned base model:
// one output per item of a multi-item scale).
import type { BertModel } from '../bert/model.ts';
import type { TTask } from '../datasets/schemas.ts';
import { modelReferenceKind } from '../metrics/score.ts';
import { type LoadedModel, loadModel } from './hf.ts';
import { modelItemSpecs, type ScoreModelOptions } from './score.ts';

/** The label space the reference must score in: the compared model's. */
export interface ReferenceSpace {
  task: TTask;
  /** Classification: the number of classes. */
  numClasses?: number;
  /** Regression: the number of outputs (items of a multi-item scale; default 1). */
  outputs?: number;
}

export interface LoadedReference extends LoadedModel {
  /** The reference's name beside every error-reduction figure (see `modelReferenceKind`). */
  kind: string;
}

/**
 * Loads the folder `dir` (shown as `name`) as a reference for a model of `space`: a head of that
 * space it has (same task, same number of outputs) is used as trained; any other is replaced by one
 * initialised from `seed`, and `kind` says so.
 * @example (await loadReferenceModel(baseDir, 'bert-base', { task: 'regression', outputs: 9 }, 0)).kind
 *   // 'model "bert-base" (untrained head, seed 0)'
 */
export async function loadReferenceModel(
  dir: string,
  name: string,
  space: ReferenceSpace,
  seed: number,
): Promise<LoadedReference> {
  const loaded = await loadModel(dir, {
    task: space.task,
    numLabels: space.task === 'classification' ? space.numClasses : (space.outputs ?? 1),
    seed,
  });
  return { ...loaded, kind: modelReferenceKind(name, loaded.model, seed) };
}

/**
 * The scoring options of a reference for `model`'s options: a multi-item model's item names and
 * ranges (`itemSpacesFor`) travel with them, so the reference's per-item figures are keyed and
 * clamped as the model's are.
 */
export function referenceScoring<T extends ScoreModelOptions>(model: BertModel, opts: T): T {
  const items = modelItemSpecs(model, opts);
  return items ? { ...opts, items } : opts;
}
