// One contract per run kind: the parameters of a train, pretrain and evaluate run, with their
// defaults, as stored in `Run.params`. The launch form, the HTTP API, the CLI and the worker all
// parse with these schemas, and the engine options come from them through one mapping each
// (`fineTuneOptions`, `pretrainOptions`), so no caller renames or re-defaults a field by hand.
import { z } from 'zod';
import type { TTask } from '../datasets/schemas.ts';

/**
 * Hyper-parameters of a fine-tuning run as stored in `Run.params` and shown in the launch form.
 * Each field carries its default and a one-line explanation so the form, the run page and the worker
 * agree on one definition.
 */
export const TRAIN_PARAM_HELP = {
  epochs: 'Passes over the training split.',
  lr: 'Peak learning rate of AdamW (after warm-up, then linear decay). 2e-5…1e-4 is typical for BERT.',
  batchSize: 'Examples per optimizer step. Larger is smoother but uses more memory.',
  maxLength: 'Tokens kept per text ([CLS] and [SEP] included); longer texts are truncated.',
  warmupRatio: 'Fraction of the steps over which the learning rate ramps up from 0.',
  weightDecay: 'Decoupled L2 penalty (AdamW) on weights, not on biases or LayerNorm.',
  dropout: 'Dropout probability on hidden states and attention during training.',
  freezeLayers: 'Keep the embeddings and the first N encoder layers fixed (0 = train everything).',
  earlyStoppingPatience: 'Stop after this many epochs without eval improvement (0 = off).',
  evalFraction: 'When the dataset has no eval split, hold out this fraction of its rows for evaluation.',
  trainFraction: 'Use only this fraction of the training rows (data-scaling sweeps).',
  tolerance: 'k for flexible accuracy: |round(prediction) − label| ≤ k counts as right.',
  seed: 'Seed for initialisation of the head, shuffling and dropout.',
  fold: 'Cross-validation: score on this fold of the dataset and train on the others (needs assigned folds).',
  mix: 'Two-way sweep: train on round(trainFraction · N) rows with this share synthetic, scored on the real eval rows.',
  cv: 'k-fold cross-validation computed by the run itself: seeded, stratified, grouped folds of the train and eval rows.',
  evalSource:
    'Which eval rows judge the run: all, or only the real ones (train on real + synthetic, judge on real: the study protocol).',
  referenceModelId:
    'Error reduction against this model scored on the same rows (a base model with its untrained head, as the study did); default: the mean / majority predictor.',
} as const;

export const ZTrainParams = z.object({
  epochs: z.number().int().min(1).max(100).default(3),
  lr: z.number().positive().max(1).default(5e-5),
  batchSize: z.number().int().min(1).max(512).default(16),
  maxLength: z.number().int().min(8).max(512).default(128),
  warmupRatio: z.number().min(0).max(0.5).default(0.1),
  weightDecay: z.number().min(0).max(1).default(0.01),
  dropout: z.number().min(0).max(0.9).default(0.1),
  freezeLayers: z.number().int().min(0).max(48).default(0),
  earlyStoppingPatience: z.number().int().min(0).max(50).default(0),
  evalFraction: z.number().gt(0).lt(1).default(0.2),
  trainFraction: z.number().gt(0).max(1).default(1),
  tolerance: z.number().min(0).max(100).default(1),
  seed: z.number().int().min(0).default(0),
  /** Stop after this many optimizer steps in total (demo and tests); 0 = no limit. */
  maxSteps: z.number().int().min(0).default(0),
  /** Cross-validation fold scored by this run (the dataset's assigned folds); absent = train/eval split. */
  fold: z.number().int().min(0).max(99).optional(),
  /**
   * Two-way sweep cell: `share` of the training subset is synthetic; `shares` is the sweep's whole
   * grid, which fixes the size N every share can be drawn at (core `drawMixture`). Eval on real rows.
   */
  mix: z
    .object({ share: z.number().min(0).max(1), shares: z.array(z.number().min(0).max(1)).min(1).max(10) })
    .optional(),
  /**
   * Folds computed from the rows (core `crossValidationFolds`), not the dataset's stored ones: with
   * `fold`, this run scores fold `fold` of k and trains on the others; test rows stay out.
   */
  cv: z
    .object({
      k: z.number().int().min(2).max(20),
      seed: z.number().int().min(0),
      /** Keep rows of one document (DatasetRow.group) in one fold. */
      grouped: z.boolean().default(false),
    })
    .optional(),
  /** `real`: only the real rows of the eval split are scored (training still uses every row). Absent = all. */
  evalSource: z.enum(['all', 'real']).optional(),
  /** Error reduction against this model scored on the same rows; absent = the mean / majority predictor. */
  referenceModelId: z.string().min(1).max(64).optional(),
  /** Texts longer than maxLength: truncate (first tokens), head-tail, or overlapping windows pooled per text. */
  longText: z.enum(['truncate', 'head-tail', 'windows']).default('truncate'),
  /** Windows: tokens per window ([CLS] and [SEP] included; default maxLength). */
  window: z.number().int().min(8).max(512).optional(),
  /** Windows: tokens between window starts (default half a window). */
  stride: z.number().int().min(1).max(510).optional(),
  /** Windows: how window predictions become one per text (max: classification only). */
  pool: z.enum(['mean', 'max']).default('mean'),
});
export type TTrainParams = z.infer<typeof ZTrainParams>;
export const TRAIN_PARAM_DEFAULTS: TTrainParams = ZTrainParams.parse({});

/** What the fine-tuning engine needs besides the run's parameters: the dataset's label space. */
export interface TLabelSpaceFacts {
  task: TTask;
  /** Regression: the dataset's label range. */
  labelRange?: readonly [number, number] | null;
  /** Classification: the number of classes. */
  numLabels?: number;
  /** Multi-item scales (regression): the items, names and ranges in output order. */
  items?: readonly { name: string; labelRange?: readonly [number, number] }[] | null;
}

/** The engine's long-text option of a run's parameters. */
export function longTextOptions(params: Pick<TTrainParams, 'longText' | 'window' | 'stride' | 'pool'>) {
  return { mode: params.longText, window: params.window, stride: params.stride, pool: params.pool };
}

/**
 * The engine options (`fineTune`'s `TTrainOptionsInput`) of a run's parameters: the one place where
 * `lr` becomes `learningRate` and `earlyStoppingPatience` becomes an early-stopping rule (MAE for
 * regression, accuracy for classification).
 */
export function fineTuneOptions(params: TTrainParams, space: TLabelSpaceFacts) {
  const { task } = space;
  return {
    task,
    epochs: params.epochs,
    batchSize: params.batchSize,
    maxLength: params.maxLength,
    learningRate: params.lr,
    weightDecay: params.weightDecay,
    warmupRatio: params.warmupRatio,
    dropout: params.dropout,
    seed: params.seed,
    freezeLayers: params.freezeLayers,
    tolerance: params.tolerance,
    labelRange:
      task === 'regression' && space.labelRange ? ([...space.labelRange] as [number, number]) : undefined,
    numLabels: task === 'classification' ? space.numLabels : undefined,
    items:
      space.items && space.items.length > 1
        ? space.items.map((i) => ({
            name: i.name,
            labelRange: i.labelRange ? ([...i.labelRange] as [number, number]) : undefined,
          }))
        : undefined,
    longText: longTextOptions(params),
    earlyStopping:
      params.earlyStoppingPatience > 0
        ? task === 'regression'
          ? { metric: 'mae', patience: params.earlyStoppingPatience, mode: 'min' as const }
          : { metric: 'accuracy', patience: params.earlyStoppingPatience, mode: 'max' as const }
        : undefined,
  };
}

/**
 * Parameters of an evaluate run (a model with a trained head scored on a dataset split). The
 * tolerance defaults to the dataset's own k when absent.
 */
export const ZEvaluateParams = z.object({
  split: z.enum(['train', 'eval', 'test']).default('eval'),
  tolerance: z.number().min(0).max(100).optional(),
  maxLength: z.number().int().min(8).max(512).default(TRAIN_PARAM_DEFAULTS.maxLength),
});
export type TEvaluateParams = z.infer<typeof ZEvaluateParams>;
export const EVALUATE_PARAM_DEFAULTS: TEvaluateParams = ZEvaluateParams.parse({});

/** Hyper-parameters of in-app MLM pretraining (run.pretrain). */
export const ZPretrainParams = z.object({
  epochs: z.number().int().min(1).max(100).default(1),
  lr: z.number().positive().max(1).default(5e-4),
  batchSize: z.number().int().min(1).max(512).default(32),
  maxLength: z.number().int().min(8).max(512).default(64),
  maskProbability: z.number().gt(0).lt(1).default(0.15),
  hiddenSize: z.number().int().min(16).max(1024).default(64),
  layers: z.number().int().min(1).max(24).default(2),
  heads: z.number().int().min(1).max(16).default(2),
  vocabSize: z.number().int().min(100).max(60_000).default(4000),
  maxSteps: z.number().int().min(0).default(0),
  seed: z.number().int().min(0).default(TRAIN_PARAM_DEFAULTS.seed),
});
export type TPretrainParams = z.infer<typeof ZPretrainParams>;
export const PRETRAIN_PARAM_DEFAULTS: TPretrainParams = ZPretrainParams.parse({});

/** The engine options (`pretrainMlm`'s) of a pretraining run's parameters. */
export function pretrainOptions(p: TPretrainParams) {
  return {
    config: {
      hidden_size: p.hiddenSize,
      num_hidden_layers: p.layers,
      num_attention_heads: p.heads,
      intermediate_size: p.hiddenSize * 4,
      max_position_embeddings: Math.max(64, p.maxLength),
    },
    vocabSize: p.vocabSize,
    epochs: p.epochs,
    batchSize: p.batchSize,
    maxLength: p.maxLength,
    learningRate: p.lr,
    maskProbability: p.maskProbability,
    seed: p.seed,
  };
}
