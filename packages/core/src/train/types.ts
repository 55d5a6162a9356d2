// Public contract of the training engine, used by the BullMQ worker and the CLI. Keep it stable:
// add optional fields, never rename.
import { z } from 'zod';
import { TRAIN_PARAM_DEFAULTS as D } from '../dashboard/train-params.ts';
import { ZTask } from '../datasets/schemas.ts';
import type { TensorMap } from '../safetensors/index.ts';

/** One item of a multi-item scale (one regression output each): its name and, optionally, its own label range. */
export const ZItemSpec = z.object({
  name: z.string().min(1),
  labelRange: z.tuple([z.number(), z.number()]).optional(),
});
export type TItemSpec = z.infer<typeof ZItemSpec>;

/**
 * What happens to texts longer than the max length: `truncate` keeps the first tokens; `head-tail`
 * keeps the first quarter and the last three quarters of the room (Sun et al. 2019); `windows` cuts
 * the text into overlapping windows of `window` tokens every `stride` tokens ([CLS] and [SEP] around
 * each), trains every window with the document's label and pools the windows' predictions into one
 * per document (`mean`; `max` of class probabilities for classification).
 */
export const ZLongText = z
  .object({
    mode: z.enum(['truncate', 'head-tail', 'windows']).default('truncate'),
    /** Tokens per window, [CLS] and [SEP] included (default: maxLength). */
    window: z.number().int().min(4).optional(),
    /** Tokens between window starts (default: half the window's text tokens). */
    stride: z.number().int().min(1).optional(),
    pool: z.enum(['mean', 'max']).default('mean'),
  })
  .refine(
    (o) =>
      o.mode !== 'windows' || o.window === undefined || o.stride === undefined || o.stride <= o.window - 2,
    {
      message: 'stride must be at most window − 2 (windows would skip tokens)',
      path: ['stride'],
    },
  );
export type TLongText = z.output<typeof ZLongText>;
export type TLongTextInput = z.input<typeof ZLongText>;

/**
 * Hyperparameters of one fine-tuning run. Defaults are the run contract's (`ZTrainParams`), so the
 * engine called directly (tests, benchmarks) trains as a run with default parameters does.
 */
export const ZTrainOptions = z.object({
  task: ZTask,
  epochs: z.number().int().positive().default(D.epochs),
  batchSize: z.number().int().positive().default(D.batchSize),
  maxLength: z.number().int().min(4).default(D.maxLength),
  learningRate: z.number().positive().default(D.lr),
  /** Decoupled AdamW weight decay; never applied to biases and LayerNorm weights. */
  weightDecay: z.number().min(0).default(D.weightDecay),
  /** Fraction of all steps spent warming the learning rate up linearly from 0; then linear decay to 0. */
  warmupRatio: z.number().min(0).max(1).default(D.warmupRatio),
  /** Clip gradients to this global L2 norm (0 disables). */
  maxGradNorm: z.number().min(0).default(1),
  /** Overrides the config's hidden and attention dropout when set. */
  dropout: z.number().min(0).max(0.9).optional(),
  seed: z.number().int().default(D.seed),
  freezeEmbeddings: z.boolean().default(false),
  /** Freeze the first N encoder layers. */
  freezeLayers: z.number().int().min(0).default(D.freezeLayers),
  /** Regression: |round(prediction) − label| ≤ tolerance counts as flexibly accurate. */
  tolerance: z.number().min(0).default(D.tolerance),
  /** Regression: the dataset's label range; predictions are clamped to it before rounding (default: the range of all given labels). Saved with the model. */
  labelRange: z.tuple([z.number(), z.number()]).optional(),
  /** Classification: number of classes (default: 1 + the largest label). Labels are 0..numLabels-1. */
  numLabels: z.number().int().min(2).optional(),
  /** Classification: per-class loss weights, or 'balanced' (n / (classes · count)). */
  classWeights: z.union([z.literal('balanced'), z.array(z.number().positive())]).optional(),
  /** Stop when `metric` on the eval set has not improved for `patience` epochs. */
  earlyStopping: z
    .object({
      metric: z.string(),
      patience: z.number().int().positive(),
      mode: z.enum(['min', 'max']).default('min'),
    })
    .optional(),
  /**
   * Examples per forward/backward pass; a step accumulates gradients over ceil(batchSize /
   * microBatchSize) passes. Default: the whole batch, or the largest part that fits the wasm heap.
   */
  microBatchSize: z.number().int().positive().optional(),
  /** Keep the best epoch's weights (by earlyStopping.metric) as the result. */
  restoreBest: z.boolean().default(true),
  /**
   * Data-parallel worker threads, each with its own backend and model replica computing the
   * gradient of its slice of every batch (1: the calling thread only). Same result within float
   * summation order. Callers pick the default (`runThreads`).
   */
  threads: z.number().int().positive().default(1),
  /**
   * Regression on a multi-item scale: one output per item over one shared encoder. Examples then
   * carry `labels` (one per item, null where unlabelled); the loss of a batch is the mean over the
   * items labelled in it of each item's mean squared error over its labelled rows.
   */
  items: z.array(ZItemSpec).min(1).optional(),
  /** Texts longer than maxLength: truncate (default), head-tail or overlapping windows. */
  longText: ZLongText.optional(),
});
/** What callers pass (defaults optional). */
export type TTrainOptionsInput = z.input<typeof ZTrainOptions>;
/** After parsing (defaults filled). */
export type TTrainOptions = z.output<typeof ZTrainOptions>;

/** One labelled example. Classification labels are class indices 0..numLabels-1. */
export interface TrainExample {
  text: string;
  /** The label (single-item); for multi-item rows, ignored in favour of `labels`. */
  label: number;
  /** Multi-item: the label of each item in item order, null where this row has none (masked, not dropped). */
  labels?: readonly (number | null)[];
  /** Long shape: the item this row is a segment for (its index); it trains and is scored on that item only. */
  item?: number;
}

export interface StepEvent {
  step: number;
  epoch: number;
  loss: number;
  lr: number;
  totalSteps: number;
  elapsedMs: number;
  etaSeconds: number;
}

/** Metric keys: regression mae, rmse, accuracy, flexible_accuracy; classification accuracy, macro_f1; plus n and train_loss. */
export interface EpochEvent {
  epoch: number;
  step: number;
  metrics: Record<string, number>;
}

/** Everything needed to resume a run at an epoch boundary, bit for bit. */
export interface TrainCheckpoint {
  version: 1;
  /** Epochs completed. */
  epoch: number;
  step: number;
  /** State of the run's seeded generator (shuffles, dropout). */
  rngState: number;
  weights: TensorMap;
  optimizer: { step: number; m: TensorMap; v: TensorMap };
  best: { value: number | null; epoch: number; badEpochs: number; weights: TensorMap | null };
  history: EpochEvent[];
  /**
   * Set when the checkpoint was taken inside an epoch (an interrupted run): the generator's state at
   * the epoch's start (to redraw its shuffle), the batches already done and their loss sums.
   */
  inEpoch?: { rngStateAtEpochStart: number; batches: number; lossSum: number; lossCount: number };
}

export interface TrainCallbacks {
  onStep?: (event: StepEvent) => void | Promise<void>;
  onEpoch?: (event: EpochEvent) => void | Promise<void>;
  /** Checked before every step; true cancels the run (result status 'cancelled'). */
  shouldStop?: () => boolean | Promise<boolean>;
  /**
   * Checked before every step: true saves a checkpoint at this step boundary (through
   * saveCheckpoint, with `inEpoch` set) and stops (result status 'interrupted'), so another process
   * can resume exactly there (a worker shutting down).
   */
  shouldInterrupt?: () => boolean | Promise<boolean>;
  /** Called after every epoch; persist it so a retried job can resume. */
  saveCheckpoint?: (checkpoint: TrainCheckpoint) => void | Promise<void>;
  /** Called once at the start; return the last saved checkpoint to resume from it. */
  loadCheckpoint?: () => TrainCheckpoint | null | undefined | Promise<TrainCheckpoint | null | undefined>;
}

export type TrainStatus = 'completed' | 'stopped-early' | 'cancelled' | 'interrupted';

export interface TrainResult {
  status: TrainStatus;
  epochs: number;
  steps: number;
  history: EpochEvent[];
  /** Metrics of the returned weights on the eval set (empty without an eval set). */
  metrics: Record<string, number>;
  /** Epoch whose weights were kept (the best one when restoreBest and earlyStopping are set). */
  bestEpoch: number;
}

/** Model outputs for texts: raw logits and the prediction (regression value or class index). */
export interface Prediction {
  logits: number[];
  prediction: number;
  /** Multi-item regression: the value of every item, in item order. */
  values?: number[];
}
