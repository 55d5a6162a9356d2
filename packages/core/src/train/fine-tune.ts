import { fitBatchToHeap } from '../backend/memory.ts';
import type { BertModel } from '../bert/model.ts';
import { layerOf } from '../bert/params.ts';
import { Rng } from '../bert/rng.ts';
import { InputError } from '../errors/index.ts';
import { labelRangeOf } from '../metrics/regression.ts';
import { flattenItemMetrics } from '../metrics/table.ts';
import type { Encoding } from '../tokenizer/wordpiece.ts';
import type { TextEncoder } from './batches.ts';
import { itemLabelsOf, itemRanges } from './items.ts';
import { encodeDocuments, resolveLongText } from './long-text.ts';
import { trainLoop } from './loop.ts';
import { documentLogits, toPredictions } from './predict.ts';
import { scoreModelPredictions } from './score.ts';
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
  const items = o.items && o.items.length > 1 ? o.items : null;
  if (items && o.task !== 'regression')
    throw new InputError(
      'multi-item scales are regression (one output per item; classes per item are not supported): train with task regression on the items’ scores, or one classification model per item (one label column each)',
    );
  if (items && model.numLabels !== items.length)
    throw new InputError(`the model has ${model.numLabels} outputs, the scale has ${items.length} items`);
  const itemLabels = items
    ? data.train.map((e, row) => itemLabelsOf(e, items.length, `training row ${row + 1}`))
    : null;
  const labels = data.train.map((e) => e.label);
  (itemLabels ? itemLabels.flat().filter((y): y is number => y !== null) : labels).forEach((y, row) => {
    if (!Number.isFinite(y)) throw new Error(`training row ${row}: label ${y} is not a number`);
    if (o.task === 'classification' && (!Number.isInteger(y) || y < 0 || y >= model.numLabels)) {
      throw new Error(`training row ${row}: label ${y} is not a class index in 0..${model.numLabels - 1}`);
    }
  });
  const weights =
    o.task === 'classification' ? resolveClassWeights(o.classWeights, labels, model.numLabels) : null;
  // The dataset's range when the caller knows it, else the range of all its labelled rows; saved
  // with the model so later scoring clamps to the training scale.
  const evalSet = data.eval ?? [];
  const labelRange: [number, number] = o.labelRange
    ? [o.labelRange[0], o.labelRange[1]]
    : labelRangeOf(
        itemLabels
          ? itemLabels.flat().filter((y): y is number => y !== null)
          : [...labels, ...evalSet.map((e) => e.label)],
      );
  if (o.task === 'regression') model.labelRange = labelRange;
  if (items && itemLabels) {
    model.itemNames = items.map((i) => i.name);
    model.itemRanges = itemRanges(items, itemLabels).map((r) => r ?? labelRange);
  }

  // Long texts: each document becomes one piece or several windows, each trained with its label.
  const longText = resolveLongText(o.longText, o.maxLength);
  const pieces = encodeDocuments(
    tokenizer,
    data.train.map((e) => e.text),
    o.maxLength,
    longText,
  );
  const encodings: Encoding[] = pieces.encodings;
  const pieceLabels = pieces.owner.map((d) => labels[d] as number);
  const pieceItemLabels = itemLabels
    ? pieces.owner.map((d) => itemLabels[d] as (number | null)[])
    : undefined;
  const microBatch = fitBatchToHeap(
    model.config,
    Math.min(o.batchSize, o.microBatchSize ?? o.batchSize),
    o.maxLength,
  );
  const totalSteps = Math.ceil(encodings.length / o.batchSize) * o.epochs;
  const trainable = trainableNames(model, o.freezeEmbeddings, o.freezeLayers);
  const objective = sequenceObjective(
    encodings,
    pieceLabels,
    weights,
    tokenizer.padId,
    {
      task: o.task,
      hiddenDropout: o.dropout ?? model.config.hidden_dropout_prob,
      attentionDropout: o.dropout ?? model.config.attention_probs_dropout_prob,
    },
    pieceItemLabels,
  );
  const evalPieces = encodeDocuments(
    tokenizer,
    evalSet.map((e) => e.text),
    o.maxLength,
    longText,
  );
  const evalOpts = { task: o.task, tolerance: o.tolerance, labelRange, items: items ?? undefined };

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
          const pieceLogits = await ctx.logits(evalPieces.encodings, Math.max(o.batchSize, 32));
          const logits = documentLogits(model, pieceLogits, evalPieces.owner, evalSet.length, longText);
          const scored = scoreModelPredictions(model, evalSet, toPredictions(model, logits), evalOpts);
          // Multi-item: the means over items, and each item's figures as `<item>/<metric>`.
          metrics = flattenItemMetrics(
            scored.metrics,
            scored.items &&
              Object.fromEntries(Object.entries(scored.items).map(([name, s]) => [name, s.metrics])),
          );
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
