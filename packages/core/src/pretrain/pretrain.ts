import * as tf from '@tensorflow/tfjs-core';
import { fitBatchToHeap } from '../backend/memory.ts';
import { type BertArchConfig, type BertPresetName, presetConfig } from '../bert/config.ts';
import { batchTensors, maskedLmLogits } from '../bert/encoder.ts';
import { BertModel } from '../bert/model.ts';
import { isDecayed } from '../bert/params.ts';
import { Rng } from '../bert/rng.ts';
import { buildWordPieceVocab, SPECIAL_TOKENS, WordPieceTokenizer } from '../tokenizer/index.ts';
import { chunks, padBatch } from '../train/batches.ts';
import { AdamW, clipScale, globalNorm, linearSchedule } from '../train/optimizer.ts';
import type { EpochEvent, StepEvent, TrainCheckpoint } from '../train/types.ts';
import { maskTokens } from './masking.ts';

export interface PretrainOptions {
  /** Model size (ignored when `config` is given). */
  preset?: BertPresetName;
  /** Full architecture; vocab_size is set from the tokenizer. */
  config?: Partial<BertArchConfig>;
  /** Use this tokenizer; otherwise a WordPiece vocabulary of `vocabSize` is built from the corpus. */
  tokenizer?: WordPieceTokenizer;
  vocabSize?: number;
  epochs?: number;
  batchSize?: number;
  maxLength?: number;
  learningRate?: number;
  weightDecay?: number;
  warmupRatio?: number;
  maxGradNorm?: number;
  maskProbability?: number;
  seed?: number;
}

export interface PretrainCallbacks {
  onStep?: (e: StepEvent) => void | Promise<void>;
  onEpoch?: (e: EpochEvent) => void | Promise<void>;
  shouldStop?: () => boolean | Promise<boolean>;
  /** After every epoch (same checkpoint format as fine-tuning; encodeCheckpoint makes it bytes). */
  saveCheckpoint?: (checkpoint: TrainCheckpoint) => void | Promise<void>;
  /** At start: return the last checkpoint of this run (same corpus and options) to resume it. */
  loadCheckpoint?: () => TrainCheckpoint | null | undefined | Promise<TrainCheckpoint | null | undefined>;
}

export interface PretrainResult {
  model: BertModel;
  tokenizer: WordPieceTokenizer;
  history: EpochEvent[];
  status: 'completed' | 'cancelled';
}

/**
 * Masked-language-model pretraining from unlabelled texts (one text per sequence, truncated to
 * maxLength): 15% of tokens selected, 80/10/10 [MASK]/random/unchanged, cross-entropy on the
 * selected positions, AdamW with warm-up and linear decay. Returns a BertForMaskedLM-shaped model
 * (decoder tied to the word embeddings) to save with `saveModel`.
 */
export async function pretrainMlm(
  corpus: readonly string[],
  o: PretrainOptions = {},
  callbacks: PretrainCallbacks = {},
): Promise<PretrainResult> {
  const texts = corpus.filter((t) => t.trim() !== '');
  if (texts.length === 0) throw new Error('pretraining corpus is empty');
  const tokenizer =
    o.tokenizer ??
    new WordPieceTokenizer(
      buildWordPieceVocab(texts, { vocabSize: o.vocabSize ?? 8000, lowerCase: true }),
      {},
      'corpus vocabulary',
    );
  if (tokenizer.maskId === undefined) throw new Error('tokenizer has no [MASK] token; pretraining needs one');
  const maxLength = o.maxLength ?? 64;
  const batchSize = o.batchSize ?? 32;
  const epochs = o.epochs ?? 1;
  const config: BertArchConfig = {
    ...presetConfig(o.preset ?? 'tiny', tokenizer.vocabSize, Math.max(512, maxLength)),
    ...o.config,
    vocab_size: tokenizer.vocabSize,
  };
  const seed = o.seed ?? 42;
  const model = BertModel.random(config, { head: 'masked-lm', seed });
  const rng = new Rng(seed + 1);
  const encodings = texts.map((t) => tokenizer.encode(t, maxLength));
  const microBatch = fitBatchToHeap(config, batchSize, maxLength);
  const stepsPerEpoch = Math.ceil(texts.length / batchSize);
  const totalSteps = stepsPerEpoch * epochs;
  const warmup = Math.round((o.warmupRatio ?? 0.06) * totalSteps);
  const lrPeak = o.learningRate ?? 5e-4;
  const optimizer = new AdamW(model.params, o.weightDecay ?? 0.01, isDecayed);
  const specialIds = new Set(
    SPECIAL_TOKENS.map((t) => tokenizer.idOf(t)).filter((id): id is number => id !== undefined),
  );
  const maskOpts = {
    maskId: tokenizer.maskId,
    vocabSize: tokenizer.vocabSize,
    specialIds,
    probability: o.maskProbability,
  };
  const vars = [...model.params.values()];
  const names = [...model.params.keys()];
  let history: EpochEvent[] = [];
  const started = Date.now();
  let step = 0;
  let firstEpoch = 1;
  const resumed = await callbacks.loadCheckpoint?.();
  if (resumed) {
    model.assign(resumed.weights);
    optimizer.load(resumed.optimizer);
    rng.state = resumed.rngState;
    step = resumed.step;
    history = [...resumed.history];
    firstEpoch = resumed.epoch + 1;
  }
  const firstStep = step;
  let status: PretrainResult['status'] = 'completed';
  try {
    outer: for (let epoch = firstEpoch; epoch <= epochs; epoch++) {
      let lossSum = 0;
      let count = 0;
      for (const rows of chunks(rng.shuffle(texts.map((_, i) => i)), batchSize)) {
        if (await callbacks.shouldStop?.()) {
          status = 'cancelled';
          break outer;
        }
        const lr = linearSchedule(step, lrPeak, warmup, totalSteps);
        const grads = new Map<string, tf.Tensor>();
        let loss = 0;
        for (const part of chunks(rows, microBatch)) {
          const p = padBatch(
            part.map((i) => encodings[i] as (typeof encodings)[number]),
            tokenizer.padId,
          );
          const m = maskTokens(p.ids, p.mask, rng, maskOpts);
          const scale = part.length / rows.length;
          const { value, grads: g } = tf.variableGrads(() => {
            const logits = maskedLmLogits(
              model,
              batchTensors(m.ids, p.mask, p.types),
              tf.tensor1d(m.positions, 'int32'),
              {
                hiddenDropout: config.hidden_dropout_prob,
                attentionDropout: config.attention_probs_dropout_prob,
                nextSeed: () => rng.nextSeed(),
              },
            );
            const logp = tf.logSoftmax(logits);
            const picked = tf.sum(
              tf.mul(logp, tf.oneHot(tf.tensor1d(m.labels, 'int32'), config.vocab_size)),
              1,
            );
            return tf.mul(tf.neg(tf.mean(picked)), scale) as tf.Scalar;
          }, vars);
          loss += value.dataSync()[0] as number;
          value.dispose();
          names.forEach((name, i) => {
            const gi = g[(vars[i] as tf.Variable).name];
            if (gi === undefined) return;
            const prev = grads.get(name);
            grads.set(name, prev ? tf.add(prev, gi) : gi);
            if (prev) {
              prev.dispose();
              gi.dispose();
            }
          });
        }
        optimizer.apply(grads, lr, clipScale(globalNorm(grads), o.maxGradNorm ?? 1));
        for (const g of grads.values()) g.dispose();
        step++;
        lossSum += loss;
        count++;
        const elapsedMs = Date.now() - started;
        await callbacks.onStep?.({
          step,
          epoch,
          loss,
          lr,
          totalSteps,
          elapsedMs,
          etaSeconds: ((totalSteps - step) * elapsedMs) / Math.max(1, step - firstStep) / 1000,
        });
      }
      const event: EpochEvent = { epoch, step, metrics: { train_loss: lossSum / Math.max(1, count) } };
      history.push(event);
      await callbacks.saveCheckpoint?.({
        version: 1,
        epoch,
        step,
        rngState: rng.state,
        weights: model.toTensorMap(),
        optimizer: optimizer.state(),
        best: { value: null, epoch, badEpochs: 0, weights: null },
        history,
      });
      await callbacks.onEpoch?.(event);
    }
  } finally {
    optimizer.dispose();
  }
  return { model, tokenizer, history, status };
}
