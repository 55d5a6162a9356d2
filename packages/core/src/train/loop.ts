import type * as tf from '@tensorflow/tfjs-core';
import type { BertModel } from '../bert/model.ts';
import { isDecayed } from '../bert/params.ts';
import type { Rng } from '../bert/rng.ts';
import type { Encoding } from '../tokenizer/wordpiece.ts';
import { chunks } from './batches.ts';
import { type GradientEngine, LocalEngine } from './gradients.ts';
import { type LossSpec, lossFunction, type Objective } from './objective.ts';
import { AdamW, clipScale, globalNorm, linearSchedule } from './optimizer.ts';
import { ReplicaPool } from './threads/pool.ts';
import type { EpochEvent, TrainCallbacks, TrainCheckpoint, TrainStatus } from './types.ts';

export interface TrainLoopSettings {
  epochs: number;
  batchSize: number;
  /** Rows per forward/backward pass (per thread); a step accumulates over its passes. */
  microBatch: number;
  learningRate: number;
  /** Linear warm-up steps, then linear decay to 0 at the last step. */
  warmupSteps: number;
  weightDecay: number;
  /** Global-norm clipping (0 disables). */
  maxGradNorm: number;
  /** Data-parallel threads (1: everything on the calling thread). */
  threads: number;
  /** Pad id of the tokenizer (replicas batch evaluation rows themselves). */
  padId: number;
}

/** Step and epoch events, cancellation and checkpoints: the callbacks of fine-tuning and pretraining. */
export type LoopCallbacks = TrainCallbacks;

/** What an epoch-end hook can use: logits of the current weights, split over the run's threads. */
export interface EpochContext {
  epoch: number;
  step: number;
  logits(encodings: readonly Encoding[], batchSize: number): Promise<number[][]>;
}

export type BestRecord = TrainCheckpoint['best'];

export interface LoopHooks {
  /**
   * After each epoch's steps: metrics to add to train_loss (evaluation), the best-epoch record to
   * checkpoint, and whether to stop early.
   */
  afterEpoch?: (
    ctx: EpochContext,
    metrics: Record<string, number>,
    best: BestRecord,
  ) => Promise<{ metrics?: Record<string, number>; best?: BestRecord; stop?: boolean }>;
}

export interface LoopResult {
  status: TrainStatus;
  /** Epochs completed. */
  epoch: number;
  step: number;
  history: EpochEvent[];
  best: BestRecord;
}

/**
 * The one training loop of TuneLab; fine-tuning and masked-LM pretraining plug in an `Objective`
 * (how to batch examples, the loss over a batch). Each epoch shuffles the examples with the run's
 * generator; each step draws a seed (per-row dropout), builds the batch, gets its loss and
 * gradient — accumulated over micro-batches, on this thread or summed over data-parallel replicas —
 * clips it to a global norm and applies one AdamW step (decoupled decay, linear warm-up and decay).
 * Cancellation is checked before every step; a checkpoint after every epoch holds weights, Adam
 * moments, the generator's state and the history, so a resumed run draws exactly the numbers an
 * uninterrupted one would. An interruption (`shouldInterrupt`, a worker shutting down) checkpoints
 * at the step boundary itself, with the epoch's position, and resumes there just as exactly. Same seed and data ⇒ same losses, with 1 thread or N (within float
 * summation order).
 */
export async function trainLoop<T>(
  model: BertModel,
  trainable: Map<string, tf.Variable>,
  objective: Objective<T>,
  rng: Rng,
  s: TrainLoopSettings,
  callbacks: LoopCallbacks = {},
  hooks: LoopHooks = {},
): Promise<LoopResult> {
  const stepsPerEpoch = Math.ceil(objective.examples / s.batchSize);
  const totalSteps = stepsPerEpoch * s.epochs;
  const optimizer = new AdamW(trainable, s.weightDecay, isDecayed);
  let epoch = 0;
  let step = 0;
  let history: EpochEvent[] = [];
  let best: BestRecord = { value: null, epoch: 0, badEpochs: 0, weights: null };
  const resumed = await callbacks.loadCheckpoint?.();
  let resumeInEpoch = resumed?.inEpoch ?? null;
  if (resumed) {
    model.assign(resumed.weights);
    optimizer.load(resumed.optimizer);
    rng.state = resumed.rngState;
    ({ epoch, step, best } = resumed);
    history = [...resumed.history];
  }
  let engine: GradientEngine<T> | null = null;
  const firstStep = step;
  let status: TrainStatus = 'completed';
  try {
    engine = await startEngine(model, trainable, objective.loss, s);
    // After the threads started: the ETA extrapolates steps, not start-up.
    const started = Date.now();
    const ctx = (): EpochContext => ({
      epoch,
      step,
      logits: (encodings, batchSize) => (engine as GradientEngine<T>).logits(encodings, batchSize),
    });
    const checkpoint = (inEpoch?: TrainCheckpoint['inEpoch']): TrainCheckpoint => ({
      version: 1,
      epoch,
      step,
      rngState: rng.state,
      weights: model.toTensorMap(),
      optimizer: optimizer.state(),
      best,
      history,
      ...(inEpoch ? { inEpoch } : {}),
    });
    outer: while (epoch < s.epochs) {
      // Resuming inside an epoch: redraw its shuffle from the state at its start, then continue
      // from the generator's state at the interruption, after the batches already done.
      const epochStartState = resumeInEpoch?.rngStateAtEpochStart ?? rng.state;
      rng.state = epochStartState;
      const order = rng.shuffle(Array.from({ length: objective.examples }, (_, i) => i));
      let lossSum = 0;
      let lossCount = 0;
      let batches = 0;
      let skip = 0;
      if (resumeInEpoch && resumed) {
        rng.state = resumed.rngState;
        ({ lossSum, lossCount } = resumeInEpoch);
        skip = resumeInEpoch.batches;
        resumeInEpoch = null;
      }
      for (const rows of chunks(order, s.batchSize)) {
        if (batches < skip) {
          batches++;
          continue;
        }
        if (await callbacks.shouldInterrupt?.()) {
          await callbacks.saveCheckpoint?.(
            checkpoint({ rngStateAtEpochStart: epochStartState, batches, lossSum, lossCount }),
          );
          status = 'interrupted';
          break outer;
        }
        if (await callbacks.shouldStop?.()) {
          status = 'cancelled';
          break outer;
        }
        const lr = linearSchedule(step, s.learningRate, s.warmupSteps, totalSteps);
        const batch = objective.makeBatch(rows, rng.nextUint32(), rng);
        const { loss, grads } = await engine.gradients(batch);
        try {
          if (!Number.isFinite(loss))
            throw new Error(`loss became ${loss} at step ${step + 1} (epoch ${epoch + 1}); lower --lr`);
          optimizer.apply(grads, lr, clipScale(globalNorm(grads), s.maxGradNorm));
        } finally {
          for (const g of grads.values()) g.dispose();
        }
        await engine.weightsChanged();
        step++;
        batches++;
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
      let metrics: Record<string, number> = { train_loss: lossSum / Math.max(1, lossCount) };
      let stop = false;
      if (hooks.afterEpoch) {
        const r = await hooks.afterEpoch(ctx(), metrics, best);
        metrics = { ...metrics, ...r.metrics };
        best = r.best ?? best;
        stop = r.stop === true;
      }
      const event: EpochEvent = { epoch, step, metrics };
      history = [...history, event];
      await callbacks.saveCheckpoint?.(checkpoint());
      await callbacks.onEpoch?.(event);
      if (stop && epoch < s.epochs) {
        status = 'stopped-early';
        break;
      }
    }
  } finally {
    optimizer.dispose();
    await engine?.close();
  }
  return { status, epoch, step, history, best };
}

async function startEngine<T>(
  model: BertModel,
  trainable: Map<string, tf.Variable>,
  spec: LossSpec,
  s: TrainLoopSettings,
): Promise<GradientEngine<T>> {
  if (s.threads > 1)
    return ReplicaPool.start<T>(model, [...trainable.keys()], spec, s.threads, s.microBatch, s.padId);
  return new LocalEngine(model, trainable, await lossFunction<T>(spec), s.microBatch, s.padId);
}
