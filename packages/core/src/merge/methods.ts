import type { TaskArithmeticRecipe } from './task-arithmetic.ts';

export type MergeMethodName = 'linear' | 'task_arithmetic' | 'ties' | 'dare_linear' | 'dare_ties' | 'slerp';

export interface ParameterDefinition {
  name: string;
  /** undefined: required. */
  defaultValue?: number | boolean;
  kind: 'number' | 'boolean';
}

export interface MergeMethodDefinition {
  name: MergeMethodName;
  /** Paper or page the method follows. */
  reference: string;
  needsBaseModel: boolean;
  /** Parameters of the whole merge (`parameters:` at the top level). */
  parameters: ParameterDefinition[];
  /** Parameters of each model (`models[i].parameters`, falling back to the top level). */
  modelParameters: ParameterDefinition[];
  /** Set for the generalized task-arithmetic family. */
  recipe?: TaskArithmeticRecipe;
}

function taskArithmetic(
  name: MergeMethodName,
  reference: string,
  recipe: TaskArithmeticRecipe,
  normalize: boolean,
  rescale: boolean,
): MergeMethodDefinition {
  return {
    name,
    reference,
    needsBaseModel: true,
    recipe,
    parameters: [
      { name: 'normalize', kind: 'boolean', defaultValue: normalize },
      { name: 'rescale', kind: 'boolean', defaultValue: rescale },
      { name: 'lambda', kind: 'number', defaultValue: 1 },
      // Accepted for compatibility; masks are never materialised here, so it changes nothing.
      { name: 'int8_mask', kind: 'boolean', defaultValue: false },
    ],
    modelParameters: [
      { name: 'weight', kind: 'number' },
      { name: 'density', kind: 'number', defaultValue: 1 },
    ],
  };
}

/** The registry, with mergekit's names, parameters and defaults (mergekit/merge_methods/registry.py). */
export const MERGE_METHODS: Record<MergeMethodName, MergeMethodDefinition> = {
  linear: {
    name: 'linear',
    reference: 'https://arxiv.org/abs/2203.05482',
    needsBaseModel: false,
    parameters: [{ name: 'normalize', kind: 'boolean', defaultValue: true }],
    modelParameters: [{ name: 'weight', kind: 'number' }],
  },
  task_arithmetic: taskArithmetic(
    'task_arithmetic',
    'https://arxiv.org/abs/2212.04089',
    { sparsification: null, consensus: null },
    false,
    false,
  ),
  ties: taskArithmetic(
    'ties',
    'https://arxiv.org/abs/2306.01708',
    { sparsification: 'magnitude', consensus: 'sum' },
    true,
    false,
  ),
  dare_ties: taskArithmetic(
    'dare_ties',
    'https://arxiv.org/abs/2311.03099',
    { sparsification: 'random', consensus: 'sum' },
    false,
    true,
  ),
  dare_linear: taskArithmetic(
    'dare_linear',
    'https://arxiv.org/abs/2311.03099',
    { sparsification: 'random', consensus: null },
    false,
    true,
  ),
  slerp: {
    name: 'slerp',
    reference: 'https://en.wikipedia.org/wiki/Slerp',
    needsBaseModel: true,
    parameters: [{ name: 't', kind: 'number' }],
    modelParameters: [],
  },
};

export const MERGE_METHOD_NAMES = Object.keys(MERGE_METHODS) as MergeMethodName[];
