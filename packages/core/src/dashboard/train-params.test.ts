import { describe, expect, it } from 'vitest';
import { ZTrainOptions } from '../train/types.ts';
import {
  EVALUATE_PARAM_DEFAULTS,
  fineTuneOptions,
  PRETRAIN_PARAM_DEFAULTS,
  pretrainOptions,
  TRAIN_PARAM_DEFAULTS,
  ZTrainParams,
} from './train-params.ts';

describe('run contracts', () => {
  it('the engine, called without options, trains with the run defaults', () => {
    const engine = ZTrainOptions.parse({ task: 'regression' });
    const fromRun = ZTrainOptions.parse(fineTuneOptions(TRAIN_PARAM_DEFAULTS, { task: 'regression' }));
    for (const key of [
      'epochs',
      'batchSize',
      'maxLength',
      'learningRate',
      'weightDecay',
      'warmupRatio',
      'seed',
      'freezeLayers',
      'tolerance',
    ] as const) {
      expect([key, fromRun[key]]).toEqual([key, engine[key]]);
    }
  });
  it('maps lr and early-stopping patience in one place', () => {
    const p = ZTrainParams.parse({ lr: 1e-3, earlyStoppingPatience: 2 });
    expect(fineTuneOptions(p, { task: 'regression', labelRange: [0, 6] })).toMatchObject({
      learningRate: 1e-3,
      labelRange: [0, 6],
      earlyStopping: { metric: 'mae', patience: 2, mode: 'min' },
    });
    const c = fineTuneOptions(p, { task: 'classification', labelRange: [0, 6], numLabels: 3 });
    expect(c).toMatchObject({ numLabels: 3, earlyStopping: { metric: 'accuracy', mode: 'max' } });
    expect(c.labelRange).toBeUndefined();
    expect(fineTuneOptions(TRAIN_PARAM_DEFAULTS, { task: 'regression' }).earlyStopping).toBeUndefined();
  });
  it('one seed default and one max length default across run kinds', () => {
    expect(PRETRAIN_PARAM_DEFAULTS.seed).toBe(TRAIN_PARAM_DEFAULTS.seed);
    expect(EVALUATE_PARAM_DEFAULTS).toEqual({ split: 'eval', maxLength: TRAIN_PARAM_DEFAULTS.maxLength });
    expect(pretrainOptions(PRETRAIN_PARAM_DEFAULTS)).toMatchObject({
      learningRate: PRETRAIN_PARAM_DEFAULTS.lr,
      seed: PRETRAIN_PARAM_DEFAULTS.seed,
    });
  });
  it('keeps a cross-validation fold and refuses a bad one', () => {
    expect(ZTrainParams.parse({ fold: 2 }).fold).toBe(2);
    expect(ZTrainParams.safeParse({ fold: -1 }).success).toBe(false);
  });
});
