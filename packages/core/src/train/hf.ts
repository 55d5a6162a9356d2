import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BertModel } from '../bert/model.ts';
import type { HeadKind } from '../bert/params.ts';
import { TRAIN_PARAM_DEFAULTS } from '../dashboard/train-params.ts';
import type { TTask } from '../datasets/schemas.ts';
import {
  type BertConfig,
  exportHfModel,
  type HfHead,
  importHfModel,
  itemRangesOfConfig,
  labelNames,
  labelRangeOfConfig,
} from '../hf/index.ts';
import { labelRangeOf } from '../metrics/regression.ts';
import type { WordPieceTokenizer } from '../tokenizer/index.ts';
import { fineTune } from './fine-tune.ts';
import type { TrainCallbacks, TrainExample, TrainResult, TTrainOptionsInput } from './types.ts';

export interface LoadedModel {
  model: BertModel;
  tokenizer: WordPieceTokenizer;
}

/** The task a saved sequence-classification folder was trained for: one output or problem_type regression → regression. */
export function taskOfConfig(config: { num_labels?: number; problem_type?: unknown }): TTask {
  return config.problem_type === 'regression' || config.num_labels === 1 ? 'regression' : 'classification';
}

/**
 * Loads a Hugging Face folder for a task. With `task` given, a head that is absent or has another
 * label space is initialised (seeded N(0, 0.02)); without it, the folder's own head decides.
 */
export async function loadModel(
  dir: string,
  opts: { task?: TTask; numLabels?: number; seed?: number } = {},
): Promise<LoadedModel> {
  const imported = await importHfModel(dir);
  const c = imported.config;
  let head: HeadKind;
  if (opts.task !== undefined) head = opts.task;
  else if (imported.headKind === 'sequence-classification') head = taskOfConfig(c);
  else if (imported.headKind === 'masked-lm') head = 'masked-lm';
  else throw new Error(`${dir}: the model has no classification or regression head; fine-tune it first`);
  // Regression: one output, or one per item of a saved multi-item model (problem_type regression).
  const numLabels =
    head === 'regression'
      ? (opts.numLabels ?? (c.problem_type === 'regression' ? (c.num_labels ?? 1) : 1))
      : (opts.numLabels ?? c.num_labels ?? 2);
  const model = BertModel.fromTensors(c, imported.tensors, {
    head,
    numLabels,
    seed: opts.seed,
    source: dir,
  });
  if (head === 'classification' && c.id2label && Object.keys(c.id2label).length === numLabels) {
    model.labelNames = Array.from({ length: numLabels }, (_, i) => c.id2label?.[String(i)] ?? `LABEL_${i}`);
  }
  if (head === 'regression') {
    model.labelRange = labelRangeOfConfig(c);
    if (numLabels > 1) {
      model.itemNames = labelNames(c).slice(0, numLabels);
      model.itemRanges = itemRangesOfConfig(c);
    }
  }
  return { model, tokenizer: imported.tokenizer };
}

const HF_HEADS: Record<HeadKind, HfHead> = {
  regression: 'sequence-classification',
  classification: 'sequence-classification',
  'masked-lm': 'masked-lm',
  none: 'none',
};

/** Writes the model as a Hugging Face folder (config.json, model.safetensors, tokenizer files). */
export async function saveModel(
  dir: string,
  model: BertModel,
  tokenizer: WordPieceTokenizer,
): Promise<string[]> {
  return exportHfModel(dir, {
    config: model.exportConfig() as unknown as BertConfig,
    tensors: model.toTensorMap(),
    tokenizer,
    head: HF_HEADS[model.head],
  });
}

export interface TrainFolderInput {
  modelDir: string;
  /** Classification: class names in label order (saved as id2label). */
  classes?: string[] | null;
  outDir: string;
  train: readonly TrainExample[];
  eval?: readonly TrainExample[];
  options: TTrainOptionsInput;
  callbacks?: TrainCallbacks;
}

/**
 * Fine-tunes the model in `modelDir` and writes the result to `outDir` with `metrics.json`
 * ({ status, epochs, steps, bestEpoch, metrics, history }). Used by the CLI and the worker.
 */
export async function trainFolder(input: TrainFolderInput): Promise<TrainResult> {
  const task = input.options.task;
  const numLabels =
    task === 'classification'
      ? (input.options.numLabels ??
        labelRangeOf([...input.train, ...(input.eval ?? [])].map((e) => e.label))[1] + 1)
      : (input.options.items?.length ?? 1);
  const { model, tokenizer } = await loadModel(input.modelDir, {
    task,
    numLabels,
    seed: input.options.seed ?? TRAIN_PARAM_DEFAULTS.seed,
  });
  if (input.classes) model.labelNames = input.classes;
  try {
    const result = await fineTune(
      model,
      tokenizer,
      { train: input.train, eval: input.eval },
      { ...input.options, numLabels: task === 'classification' ? numLabels : undefined },
      input.callbacks,
    );
    await saveModel(input.outDir, model, tokenizer);
    await mkdir(input.outDir, { recursive: true });
    await writeFile(join(input.outDir, 'metrics.json'), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    model.dispose();
  }
}
