import { EVALUATE_PARAM_DEFAULTS, TRAIN_PARAM_DEFAULTS, ZEvaluateParams } from '@tunelab/core/dashboard';
import { describe, expect, it } from 'vitest';
import { parseRunFlags } from './run-flags.ts';
import { trainParamsFromFlags } from './train.ts';

describe('CLI flags parsed by the run contracts', () => {
  it('tunelab train without flags trains with the dashboard defaults', () => {
    expect(trainParamsFromFlags({})).toEqual(TRAIN_PARAM_DEFAULTS);
  });
  it('maps each flag onto its parameter and keeps the other defaults', () => {
    const p = trainParamsFromFlags({ lr: '1e-3', batchSize: '8', seed: '7', maxLength: '16' });
    expect(p).toEqual({ ...TRAIN_PARAM_DEFAULTS, lr: 1e-3, batchSize: 8, seed: 7, maxLength: 16 });
  });
  it('names the flag of a bad value', () => {
    expect(() => trainParamsFromFlags({ lr: 'fast' })).toThrow(/--lr must be a number, got "fast"/);
    expect(() => trainParamsFromFlags({ batchSize: '0' })).toThrow(/^--batch-size: /);
    expect(() => trainParamsFromFlags({ epochs: '1.5' })).toThrow(/^--epochs: /);
  });
  it('tunelab eval takes the evaluate contract defaults', () => {
    expect(parseRunFlags(ZEvaluateParams, {}, {})).toEqual(EVALUATE_PARAM_DEFAULTS);
    expect(EVALUATE_PARAM_DEFAULTS.maxLength).toBe(TRAIN_PARAM_DEFAULTS.maxLength);
  });
});
