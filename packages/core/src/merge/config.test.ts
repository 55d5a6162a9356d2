import { describe, expect, it } from 'vitest';
import { parseMergeConfig, tensorParameters } from './config.ts';

describe('parseMergeConfig', () => {
  it('fills mergekit defaults and resolves paths against the config folder', () => {
    const plan = parseMergeConfig(
      'merge_method: ties\nbase_model: base\nmodels:\n  - model: base\n  - model: a\n    parameters: {weight: 0.5}\nparameters:\n  density: 0.4\n',
      '/x/configs/m.yml',
    );
    expect(plan.base?.path).toBe('/x/configs/base');
    expect(plan.models).toEqual([
      {
        ref: 'a',
        name: 'a',
        path: '/x/configs/a',
        parameters: { weight: 0.5, density: 0.4 },
        settings: { weight: 0.5 },
      },
    ]);
    expect(plan.parameters).toEqual({ normalize: true, rescale: false, lambda: 1, int8_mask: false });
    const dare = parseMergeConfig(
      'merge_method: dare_ties\nbase_model: b\nmodels: [{model: a, parameters: {weight: 1}}]\n',
    );
    expect(dare.parameters).toMatchObject({ normalize: false, rescale: true });
    const linear = parseMergeConfig('merge_method: linear\nmodels: [{model: a, parameters: {weight: 1}}]\n');
    expect(linear.parameters).toEqual({ normalize: true });
  });

  it('refuses non-finite and absurd numbers anywhere a setting can take them', () => {
    const config = (weight: string, extra = '') =>
      `merge_method: ties\nbase_model: b\nmodels:\n  - model: a\n    parameters: {weight: ${weight}}\n${extra}`;
    expect(() => parseMergeConfig(config('1e308'), 'm.yml')).toThrow(
      /m\.yml:5: models\.0\.parameters\.weight: weight must be in \[-100, 100\], got 1e\+308/,
    );
    expect(() => parseMergeConfig(config('.nan'), 'm.yml')).toThrow(
      /weight must be a finite number, got NaN/,
    );
    expect(() => parseMergeConfig(config('[0.5, .inf]'), 'm.yml')).toThrow(/finite number, got Infinity/);
    expect(() => parseMergeConfig(config('1', 'parameters: {lambda: -1e9}\n'), 'm.yml')).toThrow(
      /lambda must be in \[-100, 100\]/,
    );
    expect(
      parseMergeConfig(config('-2.5', 'parameters: {lambda: 3}\n'), 'm.yml').models[0]?.parameters.weight,
    ).toBe(-2.5);
  });

  it('names the field and the line of what is wrong', () => {
    const text =
      'merge_method: ties\nbase_model: b\nmodels:\n  - model: a\n    parameters:\n      weight: 1\n      density: 1.5\n';
    expect(() => parseMergeConfig(text, 'm.yml')).toThrow(
      'm.yml:7: models.0.parameters.density: density must be in (0, 1], got 1.5',
    );
    expect(() => parseMergeConfig('merge_method: nope\nmodels: []\n', 'm.yml')).toThrow(
      /^m\.yml:1: merge_method: /,
    );
    expect(() =>
      parseMergeConfig('merge_method: ties\nmodels:\n  - model: a\n    parameters: {weight: 1}\n', 'm.yml'),
    ).toThrow(/base_model: ties requires base_model/);
    expect(() =>
      parseMergeConfig('merge_method: ties\nbase_model: b\nmodels:\n  - model: a\n', 'm.yml'),
    ).toThrow("m.yml:4: models.0: model 'a' needs parameters.weight");
    expect(() =>
      parseMergeConfig(
        'merge_method: linear\nmodels: [{model: a, parameters: {weight: 1, lamda: 2}}]\n',
        'm.yml',
      ),
    ).toThrow(/models\.0\.parameters\.lamda: unknown parameter/);
  });

  it('resolves gradients and filters per tensor, checking every value they can take', () => {
    const plan = parseMergeConfig(
      'merge_method: ties\nbase_model: b\nmodels:\n  - model: a\n    parameters:\n      weight: 1\n      density: [{filter: attention, value: [0.2, 0.6]}, {value: 1}]\nparameters: {lambda: [1, 2]}\n',
    );
    const q = tensorParameters(plan, 'bert.encoder.layer.1.attention.self.query.weight', 0.5);
    expect(q.models[0]).toEqual({ weight: 1, density: 0.4 });
    expect(q.parameters.lambda).toBe(1.5);
    const mlp = tensorParameters(plan, 'bert.encoder.layer.1.intermediate.dense.weight', 1);
    expect(mlp.models[0]?.density).toBe(1);
    expect(mlp.parameters.lambda).toBe(2);
    expect(() =>
      parseMergeConfig(
        'merge_method: slerp\nbase_model: a\nmodels: [{model: a}, {model: b}]\nparameters:\n  t: [0, 1.5]\n',
        'm.yml',
      ),
    ).toThrow('m.yml:5: parameters.t: t must be in [0, 1], got 1.5');
    const filtered = parseMergeConfig(
      'merge_method: linear\nmodels: [{model: a, parameters: {weight: [{filter: mlp, value: 1}]}}]\n',
    );
    expect(() => tensorParameters(filtered, 'bert.pooler.dense.weight', 0)).toThrow(
      "model 'a': no value of weight applies to tensor bert.pooler.dense.weight",
    );
  });

  it('refuses slices and bad slerp setups with a reason', () => {
    expect(() => parseMergeConfig('slices: []\nmerge_method: linear\n')).toThrow(
      /'slices' configs are not supported/,
    );
    expect(() =>
      parseMergeConfig(
        'merge_method: slerp\nbase_model: a\nmodels: [{model: b}, {model: c}]\nparameters: {t: 0.5}\n',
      ),
    ).toThrow(/exactly two models, one of them base_model/);
    expect(() =>
      parseMergeConfig(
        'merge_method: linear\nmodels: [{model: a, parameters: {weight: 1}}]\ntokenizer_source: z\n',
      ),
    ).toThrow(/'z' is not one of the merged models/);
  });
});
