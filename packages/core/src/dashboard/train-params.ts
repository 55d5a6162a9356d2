import { z } from 'zod';

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
  fold: 'Cross-validation: evaluate on this fold and train on the other folds (the dataset needs folds).',
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
  /** Cross-validation fold to hold out (0..k−1 of the dataset's folds); absent = the usual split. */
  fold: z.number().int().min(0).max(9).optional(),
});
export type TTrainParams = z.infer<typeof ZTrainParams>;
export const TRAIN_PARAM_DEFAULTS: TTrainParams = ZTrainParams.parse({});

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
  seed: z.number().int().min(0).default(0),
});
export type TPretrainParams = z.infer<typeof ZPretrainParams>;
