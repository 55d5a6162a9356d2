import { describe, expect, it } from 'vitest';
import { evaluateSetting, layerPosition, settingLeaves, settingProblem } from './parameter-settings.ts';

describe('parameter settings (mergekit gradients and filters)', () => {
  it('interpolates a gradient along the layers', () => {
    expect(evaluateSetting([0, 0.5, 1], 'x', 0)).toBe(0);
    expect(evaluateSetting([0, 0.5, 1], 'x', 0.25)).toBe(0.25);
    expect(evaluateSetting([0, 0.5, 1], 'x', 1)).toBe(1);
    expect(evaluateSetting([0.2, 0.8], 'x', 0.5)).toBeCloseTo(0.5, 12);
    expect(evaluateSetting(0.3, 'x', 0.9)).toBe(0.3);
  });

  it('picks the first condition whose filter is in the tensor name', () => {
    const t = [{ filter: 'self_attn', value: [0, 1] }, { filter: 'attention', value: 0.7 }, { value: 0.5 }];
    expect(evaluateSetting(t, 'bert.encoder.layer.3.attention.self.query.weight', 0)).toBe(0.7);
    expect(evaluateSetting(t, 'bert.encoder.layer.3.intermediate.dense.weight', 0)).toBe(0.5);
    expect(evaluateSetting([{ filter: 'mlp', value: 1 }], 'bert.pooler.dense.weight', 0)).toBeUndefined();
  });

  it('places layer i of N at i / (N − 1) and other tensors at 0', () => {
    expect(layerPosition('bert.encoder.layer.0.output.dense.weight', 3)).toBe(0);
    expect(layerPosition('bert.encoder.layer.2.output.dense.weight', 3)).toBe(1);
    expect(layerPosition('bert.encoder.layer.1.output.dense.weight', 5)).toBe(0.25);
    expect(layerPosition('bert.encoder.layer.0.output.dense.weight', 1)).toBe(1);
    expect(layerPosition('bert.embeddings.word_embeddings.weight', 12)).toBe(0);
    expect(layerPosition('classifier.weight', 12)).toBe(0);
  });

  it('checks shapes and lists every value a setting can take', () => {
    expect(settingProblem([{ filter: 'a', value: [1, 2] }, { value: 3 }])).toBeNull();
    expect(settingProblem([1, { value: 2 }])).toMatch(/only values or only/);
    expect(settingProblem([{ filter: 'a', value: 1, extra: 2 }])).toMatch(/unknown key 'extra'/);
    expect(settingProblem([])).toMatch(/expected a value/);
    expect(settingLeaves([{ filter: 'a', value: [1, 2] }, { value: 3 }])).toEqual([1, 2, 3]);
  });
});
