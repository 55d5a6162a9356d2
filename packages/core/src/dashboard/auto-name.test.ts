import { describe, expect, it } from 'vitest';
import { changedParams, fineTuneName } from './auto-name.ts';
import { TRAIN_PARAM_DEFAULTS } from './train-params.ts';

describe('auto names', () => {
  it('names what differs from the defaults: fraction, fold, changed parameters and seed', () => {
    const params = { ...TRAIN_PARAM_DEFAULTS, trainFraction: 0.25, lr: 1e-4, epochs: 5, seed: 1, fold: 1 };
    expect(changedParams(params)).toEqual(['epochs 5', 'lr 1e-4']);
    expect(fineTuneName('bert', 'AFINN', params)).toBe(
      'bert → AFINN · 25% · fold 1 · epochs 5 · lr 1e-4 · seed 1',
    );
  });

  it('keeps a default run short and tells the runs of a sweep apart', () => {
    expect(fineTuneName('bert', 'AFINN', { ...TRAIN_PARAM_DEFAULTS, seed: 0 })).toBe('bert → AFINN · seed 0');
    const names = [0.1, 0.5, 1].flatMap((trainFraction) =>
      [0, 1].map((seed) => fineTuneName('bert', 'AFINN', { ...TRAIN_PARAM_DEFAULTS, trainFraction, seed })),
    );
    expect(new Set(names).size).toBe(6);
  });
});
