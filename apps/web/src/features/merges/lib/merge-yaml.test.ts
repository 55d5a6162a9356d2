import { parseMergeConfig } from '@tunelab/core/merge';
import { MERGE_METHOD_NAMES, MERGE_METHODS } from '@tunelab/core/merge/registry';
import { describe, expect, it } from 'vitest';
import {
  compatibilityProblem,
  defaultMergeForm,
  expandGrid,
  FORM_METHODS,
  formFields,
  formProblem,
  mergeFormToYaml,
  parseValueList,
  type TMergeForm,
  type TModelFacts,
} from './merge-yaml.ts';
import { lowerIsBetter, paretoFront } from './pareto.ts';

const FORM: TMergeForm = {
  method: 'ties',
  baseModelId: 'base1',
  parents: [
    { modelId: 'a1', values: { weight: 1, density: 0.3 } },
    { modelId: 'b1', values: { weight: 0.5, density: 0.3 } },
  ],
  values: { lambda: 1.2, t: 0.5 },
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
    const slerp = parseMergeConfig(
      mergeFormToYaml({ ...FORM, method: 'slerp', parents: FORM.parents.slice(0, 1), values: { t: 0.25 } }),
      '/store/x.yml',
    );
    expect(slerp.parameters.t).toBe(0.25);
    expect(slerp.models.map((m) => m.name)).toEqual(['base1', 'a1']);
    const head = parseMergeConfig(mergeFormToYaml({ ...FORM, headSource: 'b1' }), '/store/x.yml');
    expect(head.headSource?.name).toBe('b1');
  });

  it('takes its methods and fields from the registry, and every method writes YAML the parser accepts', () => {
    expect(FORM_METHODS).toEqual(MERGE_METHOD_NAMES);
    expect(formFields('ties').perModel.map((d) => d.name)).toEqual(['weight', 'density']);
    expect(formFields('task_arithmetic').perModel.map((d) => d.name)).toEqual(['weight']);
    expect(formFields('slerp').global.map((d) => d.name)).toEqual(['t']);
    for (const method of MERGE_METHOD_NAMES) {
      const form = {
        ...FORM,
        method,
        parents: MERGE_METHODS[method].pairWithBase ? FORM.parents.slice(0, 1) : FORM.parents,
      };
      expect(formProblem(form), method).toBeNull();
      expect(parseMergeConfig(mergeFormToYaml(form), '/store/x.yml').method).toBe(method);
    }
  });

  it('refuses non-finite and out-of-range values, naming the model', () => {
    const huge = { ...FORM, parents: [{ modelId: 'a1', values: { weight: 1e308, density: 0.3 } }] };
    expect(formProblem(huge, (id) => `model ${id}`)).toBe(
      'model a1: weight must be in [-100, 100], got 1e+308',
    );
    expect(formProblem({ ...FORM, values: { lambda: Number.NaN } })).toMatch(
      /lambda must be a finite number/,
    );
    expect(formProblem({ ...FORM, parents: [{ modelId: 'a1', values: { weight: 1, density: 0 } }] })).toMatch(
      /density must be in \(0, 1\]/,
    );
  });

  it('defaults to a base and two of its fine-tunes, and names incompatible models', () => {
    const arch = (vocab: number) => JSON.stringify(['bert', vocab]);
    const models: TModelFacts[] = [
      { id: 'other-base', kind: 'base', baseModelId: null, architecture: arch(3000), head: null },
      {
        id: 'x1',
        kind: 'finetuned',
        baseModelId: 'other-base',
        architecture: arch(3000),
        head: 'regression/1',
      },
      { id: 'pre', kind: 'pretrained', baseModelId: null, architecture: arch(203), head: null },
      { id: 'p1', kind: 'finetuned', baseModelId: 'pre', architecture: arch(203), head: 'regression/1' },
      { id: 'p2', kind: 'finetuned', baseModelId: 'pre', architecture: arch(203), head: 'regression/1' },
    ];
    const form = defaultMergeForm(models);
    expect(form.baseModelId).toBe('pre');
    expect(form.parents.map((p) => p.modelId)).toEqual(['p1', 'p2']);
    const names = (id: string) => `name of ${id}`;
    expect(compatibilityProblem(form, models, names)).toBeNull();
    const mixed = {
      ...form,
      parents: [...form.parents, { modelId: 'x1', values: { weight: 1, density: 0.5 } }],
    };
    expect(compatibilityProblem(mixed, models, names)).toBe(
      "'name of x1' and 'name of pre' have different architectures or vocabularies",
    );
    const sameArch = models.map((m) => ({ ...m, architecture: arch(203) }));
    expect(compatibilityProblem(mixed, sameArch, names)).toBe(
      "'name of x1' was fine-tuned from 'name of other-base', not from 'name of pre'",
    );
  });

  it('expands a grid over λ and density, and refuses a grid too large', () => {
    const forms = expandGrid(FORM, { lambda: [0.5, 1], density: [0.2, 0.4, 0.6], t: [0.1] });
    expect(forms).toHaveLength(6);
    expect(forms.map((f) => `${f.values.lambda}/${f.parents[1]?.values.density}`)).toEqual([
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
    // A tie on both axes dominates neither point: both stay on the front.
    expect(paretoFront([...points, { id: 't', x: 1, y: 3 }], true).map((p) => p.id)).toEqual([
      'p',
      't',
      'q',
      'r',
    ]);
  });

  it('takes a metric direction from the metrics table, else from its name', () => {
    expect(lowerIsBetter('mae')).toBe(true);
    expect(lowerIsBetter('macroF1')).toBe(false);
    expect(lowerIsBetter('flexibleAccuracy')).toBe(false);
    expect(lowerIsBetter('eval_rmse')).toBe(true);
    expect(lowerIsBetter('f1')).toBe(false);
  });
});
