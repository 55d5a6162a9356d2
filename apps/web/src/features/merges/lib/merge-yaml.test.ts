import { parseMergeConfig } from '@tunelab/core/merge';
import { describe, expect, it } from 'vitest';
import { expandGrid, mergeFormToYaml, parseValueList, type TMergeForm } from './merge-yaml.ts';
import { paretoFront } from './pareto.ts';

const FORM: TMergeForm = {
  method: 'ties',
  baseModelId: 'base1',
  parents: [
    { modelId: 'a1', weight: 1, density: 0.3 },
    { modelId: 'b1', weight: 0.5, density: 0.3 },
  ],
  lambda: 1.2,
  t: 0.5,
  seed: 0,
};

describe('merge form', () => {
  it('writes mergekit YAML that the core parser accepts with the intended values', () => {
    const plan = parseMergeConfig(mergeFormToYaml(FORM), '/store/x.yml');
    expect(plan.method).toBe('ties');
    expect(plan.base?.name).toBe('base1');
    expect(plan.models.map((m) => [m.name, m.parameters])).toEqual([
      ['a1', { weight: 1, density: 0.3 }],
      ['b1', { weight: 0.5, density: 0.3 }],
    ]);
    expect(plan.parameters.lambda).toBe(1.2);
    const slerp = parseMergeConfig(mergeFormToYaml({ ...FORM, method: 'slerp', t: 0.25 }), '/store/x.yml');
    expect(slerp.parameters.t).toBe(0.25);
    expect(slerp.models.map((m) => m.name)).toEqual(['base1', 'a1']);
    const head = parseMergeConfig(mergeFormToYaml({ ...FORM, headSource: 'b1' }), '/store/x.yml');
    expect(head.headSource?.name).toBe('b1');
  });

  it('expands a grid over λ and density, and refuses a grid too large', () => {
    const forms = expandGrid(FORM, { lambda: [0.5, 1], density: [0.2, 0.4, 0.6], t: [0.1] });
    expect(forms).toHaveLength(6);
    expect(forms.map((f) => `${f.lambda}/${f.parents[1]?.density}`)).toEqual([
      '0.5/0.2',
      '0.5/0.4',
      '0.5/0.6',
      '1/0.2',
      '1/0.4',
      '1/0.6',
    ]);
    expect(expandGrid({ ...FORM, method: 'linear' }, { lambda: [1, 2], density: [0.1], t: [] })).toHaveLength(
      1,
    );
    expect(() =>
      expandGrid(FORM, {
        lambda: [1, 2, 3, 4, 5, 6, 7, 8],
        density: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7],
        t: [],
      }),
    ).toThrow(/56 merges/);
    expect(parseValueList('0.5, 1 1.5', 'lambda')).toEqual([0.5, 1, 1.5]);
    expect(() => parseValueList('0.5, x', 'lambda')).toThrow("lambda: 'x' is not a number");
  });

  it('finds the Pareto front for lower- and higher-is-better metrics', () => {
    const points = [
      { id: 'p', x: 1, y: 3 },
      { id: 'q', x: 2, y: 2 },
      { id: 'r', x: 3, y: 1 },
      { id: 's', x: 2, y: 3 },
    ];
    expect(paretoFront(points, true).map((p) => p.id)).toEqual(['p', 'q', 'r']);
    // Higher is better: s (2, 3) beats p and q; r has the best x.
    expect(paretoFront(points, false).map((p) => p.id)).toEqual(['s', 'r']);
  });
});
