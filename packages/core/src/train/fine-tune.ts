import * as tf from '@tensorflow/tfjs-core';
import { fitBatchToHeap } from '../backend/memory.ts';
import { batchTensors, classify } from '../bert/encoder.ts';
import type { BertModel } from '../bert/model.ts';
import { isDecayed, layerOf } from '../bert/params.ts';
import { Rng } from '../bert/rng.ts';
import { labelRangeOf } from '../metrics/regression.ts';
import type { Encoding } from '../tokenizer/wordpiece.ts';
import { chunks, padBatch, type TextEncoder } from './batches.ts';
import { AdamW, clipScale, globalNorm, linearSchedule } from './optimizer.ts';
import { scoreModel } from './score.ts';
import {
  type EpochEvent,
  type TrainCallbacks,
  type TrainCheckpoint,
  type TrainExample,
  type TrainResult,
  type TrainStatus,
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
 * an eval metric, per-epoch checkpoints for resuming, and cancellation checked before every step.
 * Same seed and data → same losses (the generator drives shuffles, dropout and new-head init).
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
  // The dataset's range when the caller knows it, else the range of all its labelled rows; saved
  // with the model so later scoring clamps to the training scale.
  const labelRange: [number, number] = o.labelRange
    ? [o.labelRange[0], o.labelRange[1]]
    : labelRangeOf([...labels, ...(data.eval ?? []).map((e) => e.label)]);
  if (o.task === 'regression') model.labelRange = labelRange;

  const encodings: Encoding[] = data.train.map((e) => tokenizer.encode(e.text, o.maxLength));
  const microBatch = fitBatchToHeap(
    model.config,
    Math.min(o.batchSize, o.microBatchSize ?? o.batchSize),
    o.maxLength,
  );
  const stepsPerEpoch = Math.ceil(data.train.length / o.batchSize);
  const totalSteps = stepsPerEpoch * o.epochs;
  const warmup = Math.round(o.warmupRatio * totalSteps);
  const trainable = trainableNames(model, o.freezeEmbeddings, o.freezeLayers);
  const trainParams = new Map(trainable.map((n) => [n, model.param(n)]));
  const optimizer = new AdamW(trainParams, o.weightDecay, isDecayed);
  const rng = new Rng(o.seed);
  const hiddenDropout = o.dropout ?? model.config.hidden_dropout_prob;
  const attentionDropout = o.dropout ?? model.config.attention_probs_dropout_prob;
  const evalOpts = {
    task: o.task,
    maxLength: o.maxLength,
    batchSize: Math.max(o.batchSize, 32),
    tolerance: o.tolerance,
    labelRange,
  };

  let epoch = 0;
  let step = 0;
  let history: EpochEvent[] = [];
  let best: TrainCheckpoint['best'] = { value: null, epoch: 0, badEpochs: 0, weights: null };
  const resumed = await callbacks.loadCheckpoint?.();
  if (resumed) {
    model.assign(resumed.weights);
    optimizer.load(resumed.optimizer);
    rng.state = resumed.rngState;
    ({ epoch, step, history, best } = resumed);
  }

  // The loss of one (micro-)batch; `scale` weights its share of the whole batch.
  const batchLoss = (rows: number[], scale: number) => () => {
    const p = padBatch(
      rows.map((i) => encodings[i] as Encoding),
      tokenizer.padId,
    );
    const logits = classify(model, batchTensors(p.ids, p.mask, p.types), {
      hiddenDropout,
      attentionDropout,
      nextSeed: () => rng.nextSeed(),
    });
    const y = rows.map((i) => labels[i] as number);
    let loss: tf.Scalar;
    if (o.task === 'regression') {
      loss = tf.mean(tf.square(tf.sub(tf.reshape(logits, [rows.length]), tf.tensor1d(y))));
    } else {
      const logp = tf.logSoftmax(logits);
      const onehot = tf.oneHot(tf.tensor1d(y, 'int32'), model.numLabels);
      const w = tf.tensor1d(y.map((c) => (weights ? (weights[c] as number) : 1)));
      const nll = tf.neg(tf.sum(tf.mul(logp, onehot), 1));
      loss = tf.div(
        tf.sum(tf.mul(nll, w)),
        Math.max(1e-12, weights ? y.reduce((s, c) => s + (weights[c] as number), 0) : y.length),
      );
    }
    return tf.mul(loss, scale) as tf.Scalar;
  };

  const started = Date.now();
  const firstStep = step;
  let status: TrainStatus = 'completed';
  try {
    outer: while (epoch < o.epochs) {
      const order = rng.shuffle(data.train.map((_, i) => i));
      let lossSum = 0;
      let lossCount = 0;
      for (const rows of chunks(order, o.batchSize)) {
        if (await callbacks.shouldStop?.()) {
          status = 'cancelled';
          break outer;
        }
        const lr = linearSchedule(step, o.learningRate, warmup, totalSteps);
        const grads = new Map<string, tf.Tensor>();
        let loss = 0;
        for (const part of chunks(rows, microBatch)) {
          const { value, grads: g } = tf.variableGrads(batchLoss(part, part.length / rows.length), [
            ...trainParams.values(),
          ]);
          loss += value.dataSync()[0] as number;
          value.dispose();
          for (const [name] of trainParams) {
            const gi = g[trainParams.get(name)?.name ?? ''];
            if (gi === undefined) continue;
            const prev = grads.get(name);
            grads.set(name, prev ? tf.add(prev, gi) : gi);
            if (prev) {
              prev.dispose();
              gi.dispose();
            }
          }
        }
        optimizer.apply(grads, lr, clipScale(globalNorm(grads), o.maxGradNorm));
        for (const g of grads.values()) g.dispose();
        if (!Number.isFinite(loss))
          throw new Error(`loss became ${loss} at step ${step + 1} (epoch ${epoch + 1}); lower --lr`);
        step++;
        lossSum += loss;
        lossCount++;
        const elapsedMs = Date.now() - started;
        const perStep = elapsedMs / Math.max(1, step - firstStep);
        await callbacks.onStep?.({
          step,
          epoch: epoch + 1,
          loss,
          lr,
          totalSteps,
          elapsedMs,
          etaSeconds: ((totalSteps - step) * perStep) / 1000,
        });
      }
      epoch++;
      const metrics: Record<string, number> = { train_loss: lossSum / Math.max(1, lossCount) };
      if (data.eval && data.eval.length > 0)
        Object.assign(metrics, scoreModel(model, tokenizer, data.eval, evalOpts).metrics);
      const event: EpochEvent = { epoch, step, metrics };
      history = [...history, event];
      let stop = false;
      if (o.earlyStopping) {
        const value = metrics[o.earlyStopping.metric];
        if (value === undefined)
          throw new Error(
            `early stopping metric "${o.earlyStopping.metric}" is not among ${Object.keys(metrics).join(', ')}`,
          );
        const better =
          best.value === null || (o.earlyStopping.mode === 'min' ? value < best.value : value > best.value);
        if (better)
          best = { value, epoch, badEpochs: 0, weights: o.restoreBest ? model.toTensorMap() : null };
        else best = { ...best, badEpochs: best.badEpochs + 1 };
        stop = best.badEpochs >= o.earlyStopping.patience;
      }
      await callbacks.saveCheckpoint?.({
        version: 1,
        epoch,
        step,
        rngState: rng.state,
        weights: model.toTensorMap(),
        optimizer: optimizer.state(),
        best,
        history,
      });
      await callbacks.onEpoch?.(event);
      if (stop && epoch < o.epochs) {
        status = 'stopped-early';
        break;
      }
    }
  } finally {
    optimizer.dispose();
  }
  let bestEpoch = history.at(-1)?.epoch ?? 0;
  let metrics = history.at(-1)?.metrics ?? {};
  if (o.earlyStopping && o.restoreBest && best.weights && best.epoch !== bestEpoch) {
    model.assign(best.weights, 'best epoch');
    bestEpoch = best.epoch;
    metrics = history.find((h) => h.epoch === best.epoch)?.metrics ?? metrics;
  }
  return { status, epochs: epoch, steps: step, history, metrics, bestEpoch };
}
