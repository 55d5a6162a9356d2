import { fitBatchToHeap } from '../backend/memory.ts';
import type { BertModel } from '../bert/model.ts';
import { layerOf } from '../bert/params.ts';
import { Rng } from '../bert/rng.ts';
import type { Encoding } from '../tokenizer/wordpiece.ts';
import type { TextEncoder } from './batches.ts';
import { trainLoop } from './loop.ts';
import { scorePredictions, toPredictions } from './predict.ts';
import { sequenceObjective } from './sequence-objective.ts';
import {
  type TrainCallbacks,
  type TrainExample,
  type TrainResult,
  type TTrainOptionsInput,
  ZTrainOptions,
} from './types.ts';

export interface TrainData {
  train: readonly TrainExample[];
  eval?: readonly TrainExample[];
}

/** Names of the tensors that get gradients, after freezing embeddings and the first N layers. */
export function trainableNames(model: BertModel, freezeEmbeddings: boolean, freezeLayers: number): string[] {
  return [...model.params.keys()].filter((name) => {
    const layer = layerOf(name);
    if (layer === -1) return !freezeEmbeddings;
    return !(layer >= 0 && layer < freezeLayers);
  });
}

/** Per-class weights n / (classes · count_c) for 'balanced', or the given list. */
function resolveClassWeights(
  spec: 'balanced' | number[] | undefined,
  labels: number[],
  classes: number,
): number[] | null {
  if (spec === undefined) return null;
  if (spec !== 'balanced') {
    if (spec.length !== classes)
      throw new Error(`classWeights has ${spec.length} entries, expected ${classes}`);
    return spec;
  }
  const counts = new Array<number>(classes).fill(0);
  for (const y of labels) counts[y] = (counts[y] ?? 0) + 1;
  return counts.map((c) => (c === 0 ? 0 : labels.length / (classes * c)));
}

/**
 * Fine-tunes `model` in place on labelled texts: AdamW with decoupled weight decay, linear warm-up
 * and decay, global-norm clipping, dropout, optional freezing and class weights, early stopping on
 * an eval metric, per-epoch checkpoints for resuming, and cancellation checked before every step
 * (all in `trainLoop`), on `threads` data-parallel threads. Same seed and data → same losses (the
 * generator drives shuffles and dropout; the model's seed the new-head init).
 */
export async function fineTune(
  model: BertModel,
  tokenizer: TextEncoder,
  data: TrainData,
  optionsIn: TTrainOptionsInput,
  callbacks: TrainCallbacks = {},
): Promise<TrainResult> {
  const o = ZTrainOptions.parse(optionsIn);
  if (model.head !== o.task) throw new Error(`model head is "${model.head}" but the task is "${o.task}"`);
  if (data.train.length === 0) throw new Error('training set is empty');
  const labels = data.train.map((e) => e.label);
  labels.forEach((y, row) => {
    if (!Number.isFinite(y)) throw new Error(`training row ${row}: label ${y} is not a number`);
    if (o.task === 'classification' && (!Number.isInteger(y) || y < 0 || y >= model.numLabels)) {
      throw new Error(`training row ${row}: label ${y} is not a class index in 0..${model.numLabels - 1}`);
    }
  });
  const weights =
    o.task === 'classification' ? resolveClassWeights(o.classWeights, labels, model.numLabels) : null;
  const labelRange: [number, number] = o.labelRange ?? [
    Math.min(...labels, ...(data.eval ?? []).map((e) => e.label)),
    Math.max(...labels, ...(data.eval ?? []).map((e) => e.label)),
  ];

  const encodings: Encoding[] = data.train.map((e) => tokenizer.encode(e.text, o.maxLength));
  const microBatch = fitBatchToHeap(
    model.config,
    Math.min(o.batchSize, o.microBatchSize ?? o.batchSize),
    o.maxLength,
  );
  const totalSteps = Math.ceil(data.train.length / o.batchSize) * o.epochs;
  const trainable = trainableNames(model, o.freezeEmbeddings, o.freezeLayers);
  const objective = sequenceObjective(encodings, labels, weights, tokenizer.padId, {
    task: o.task,
    hiddenDropout: o.dropout ?? model.config.hidden_dropout_prob,
    attentionDropout: o.dropout ?? model.config.attention_probs_dropout_prob,
  });
  const evalSet = data.eval ?? [];
  const evalEncodings = evalSet.map((e) => tokenizer.encode(e.text, o.maxLength));
  const evalOpts = { tolerance: o.tolerance, labelRange };

  const { status, epoch, step, history, best } = await trainLoop(
    model,
    new Map(trainable.map((n) => [n, model.param(n)])),
    objective,
    new Rng(o.seed),
    {
      epochs: o.epochs,
      batchSize: o.batchSize,
      microBatch,
      learningRate: o.learningRate,
      warmupSteps: Math.round(o.warmupRatio * totalSteps),
      weightDecay: o.weightDecay,
      maxGradNorm: o.maxGradNorm,
      threads: o.threads,
      padId: tokenizer.padId,
    },
    callbacks,
    {
      afterEpoch: async (ctx, trainMetrics, previous) => {
        let metrics: Record<string, number> = {};
        if (evalSet.length > 0) {
          const logits = await ctx.logits(evalEncodings, Math.max(o.batchSize, 32));
          metrics = scorePredictions(model, toPredictions(model, logits), evalSet, evalOpts);
        }
        if (!o.earlyStopping) return { metrics };
        const all: Record<string, number> = { train_loss: trainMetrics.train_loss as number, ...metrics };
        const value = all[o.earlyStopping.metric];
        if (value === undefined)
          throw new Error(
            `early stopping metric "${o.earlyStopping.metric}" is not among ${Object.keys(all).join(', ')}`,
          );
        const better =
          previous.value === null ||
          (o.earlyStopping.mode === 'min' ? value < previous.value : value > previous.value);
        const best = better
          ? { value, epoch: ctx.epoch, badEpochs: 0, weights: o.restoreBest ? model.toTensorMap() : null }
          : { ...previous, badEpochs: previous.badEpochs + 1 };
        return { metrics, best, stop: best.badEpochs >= o.earlyStopping.patience };
      },
    },
  );
  let bestEpoch = history.at(-1)?.epoch ?? 0;
  let metrics = history.at(-1)?.metrics ?? {};
  if (o.earlyStopping && o.restoreBest && best.weights && best.epoch !== bestEpoch) {
    model.assign(best.weights, 'best epoch');
    bestEpoch = best.epoch;
    metrics = history.find((h) => h.epoch === best.epoch)?.metrics ?? metrics;
  }
  return { status, epochs: epoch, steps: step, history, metrics, bestEpoch };
}
