// The merge registry: every method's tensor rule, parameters (names, kinds, ranges, defaults) and
// form metadata in one place. The config parser, the tensor loop, the CLI help and the dashboard's
// launch form all read it; adding a method is one module plus one entry here. Pure (no node:
// imports), so client components can import it through `@tunelab/core/merge/methods`.
import { linearMerge } from './linear.ts';
import { modelStock } from './model-stock.ts';
import { nuslerp } from './nuslerp.ts';
import { slerp } from './slerp.ts';
import { mergeTaskVectors, type TaskArithmeticRecipe, type TaskVectorParameters } from './task-arithmetic.ts';

export type MergeMethodName =
  | 'linear'
  | 'task_arithmetic'
  | 'ties'
  | 'dare_linear'
  | 'dare_ties'
  | 'breadcrumbs'
  | 'breadcrumbs_ties'
  | 'della'
  | 'della_linear'
  | 'model_stock'
  | 'slerp'
  | 'nuslerp';

export interface ParameterDefinition {
  name: string;
  /** undefined: required. */
  defaultValue?: number | boolean;
  kind: 'number' | 'boolean';
  /** Allowed numbers (every value of a gradient or filter list is checked); numbers are always finite. */
  range?: { min: number; max: number; minExclusive?: boolean };
  /** Short label and help for the launch form. */
  label: string;
  help: string;
  /** Shown in the launch form (false: accepted in YAML only). */
  inForm: boolean;
  /** A list of values may launch a grid of merges (the form's "Grid" section). */
  grid?: boolean;
  /** The form's starting value when it differs from `defaultValue` (or there is none). */
  formDefault?: number;
}

/** What a tensor rule receives: the tensor in every input, with the parameters resolved for it. */
export interface TensorMergeInput {
  name: string;
  /** The base's tensor (null for methods without a base). */
  base: Float32Array | null;
  /** Each merged model's tensor, in config order (the base excluded for task-vector methods). */
  models: Float32Array[];
  /** Top-level parameters resolved for this tensor. */
  parameters: Record<string, number | boolean>;
  /** Per-model parameters resolved for this tensor, one record per model. */
  modelParameters: Record<string, number>[];
  /** Seed of model m's random mask for this tensor (reproducible whatever the tensor order). */
  seedOf: (model: number) => number;
  /** Names model m and the tensor in errors. */
  labelOf: (model: number) => string;
  /** The tensor's shape. */
  shape: number[];
}

export interface MergeMethodDefinition {
  name: MergeMethodName;
  /** Paper or page the method follows. */
  reference: string;
  /** One line for the form and the CLI help. */
  summary: string;
  needsBaseModel: boolean;
  /** The base is used when given, not required (nuslerp). */
  optionalBase?: boolean;
  /** slerp: the base and exactly one other model. */
  pairWithBase?: boolean;
  /** The base, when listed under `models`, is not one of the merged models (task vectors). */
  excludesBase?: boolean;
  /** How many merged models (besides the base) the method takes. */
  modelCount?: { min: number; max?: number };
  /** Parameters of the whole merge (`parameters:` at the top level). */
  parameters: ParameterDefinition[];
  /** Parameters of each model (`models[i].parameters`, falling back to the top level). */
  modelParameters: ParameterDefinition[];
  /** Set for the generalized task-arithmetic family (the base is not among the merged models). */
  recipe?: TaskArithmeticRecipe;
  /** Whether the method draws random masks (the form then offers `random_seed`). */
  random?: boolean;
  /** The tensor rule. May overwrite the model tensors it is given. */
  mergeTensor: (input: TensorMergeInput) => Float32Array;
}

const WEIGHT: ParameterDefinition = {
  name: 'weight',
  kind: 'number',
  range: { min: -100, max: 100 },
  label: 'weight',
  help: "this model's weight in the sum",
  inForm: true,
  formDefault: 1,
};
const DENSITY: ParameterDefinition = {
  name: 'density',
  kind: 'number',
  defaultValue: 1,
  range: { min: 0, max: 1, minExclusive: true },
  label: 'density',
  help: 'share of each task vector kept (at least one entry per tensor)',
  inForm: true,
  grid: true,
  formDefault: 0.5,
};
const LAMBDA: ParameterDefinition = {
  name: 'lambda',
  kind: 'number',
  defaultValue: 1,
  range: { min: -100, max: 100 },
  label: 'λ (scale of the merged delta)',
  help: 'the mixed task vector is multiplied by λ before it is added to the base',
  inForm: true,
  grid: true,
};
const normalizeParameter = (defaultValue: boolean): ParameterDefinition => ({
  name: 'normalize',
  kind: 'boolean',
  defaultValue,
  label: 'normalize',
  help: 'divide by the sum of the (agreeing) weights',
  inForm: false,
});

const GAMMA: ParameterDefinition = {
  name: 'gamma',
  kind: 'number',
  defaultValue: 0.01,
  range: { min: 0, max: 1 },
  label: 'gamma',
  help: 'share of the largest entries dropped as outliers',
  inForm: true,
};
const EPSILON: ParameterDefinition = {
  name: 'epsilon',
  kind: 'number',
  defaultValue: 0.15,
  range: { min: 0, max: 1, minExclusive: true },
  label: 'epsilon',
  help: 'keep probabilities spread over density ± epsilon by magnitude rank',
  inForm: true,
};

function taskArithmetic(
  name: MergeMethodName,
  reference: string,
  summary: string,
  recipe: TaskArithmeticRecipe,
  normalize: boolean,
  rescale: boolean,
): MergeMethodDefinition {
  const extra =
    recipe.sparsification === 'magnitude_outliers'
      ? [GAMMA]
      : recipe.sparsification === 'della_magprune'
        ? [EPSILON]
        : [];
  return {
    name,
    reference,
    summary,
    needsBaseModel: true,
    excludesBase: true,
    modelCount: { min: 1 },
    recipe,
    random: recipe.sparsification === 'random' || recipe.sparsification === 'della_magprune',
    parameters: [
      normalizeParameter(normalize),
      {
        name: 'rescale',
        kind: 'boolean',
        defaultValue: rescale,
        label: 'rescale',
        help: 'rescale sparsified deltas to their original L1 norm',
        inForm: false,
      },
      LAMBDA,
      // Accepted for compatibility; masks are never materialised here, so it changes nothing.
      {
        name: 'int8_mask',
        kind: 'boolean',
        defaultValue: false,
        label: 'int8_mask',
        help: 'accepted for mergekit compatibility; no effect',
        inForm: false,
      },
    ],
    // mergekit accepts density on every task-arithmetic method; it only matters with sparsification.
    modelParameters: [
      WEIGHT,
      recipe.sparsification ? DENSITY : { ...DENSITY, inForm: false, grid: false },
      ...extra,
    ],
    mergeTensor: (input) => {
      const parameters: TaskVectorParameters[] = input.models.map((_, m) => ({
        weight: input.modelParameters[m]?.weight as number,
        density: input.modelParameters[m]?.density ?? 1,
        seed: input.seedOf(m),
        label: input.labelOf(m),
        gamma: input.modelParameters[m]?.gamma,
        epsilon: input.modelParameters[m]?.epsilon,
      }));
      return mergeTaskVectors(input.base as Float32Array, input.models, parameters, {
        ...recipe,
        normalize: input.parameters.normalize as boolean,
        lambda: input.parameters.lambda as number,
        rescale: input.parameters.rescale as boolean,
        shape: input.shape,
      });
    },
  };
}

/** The registry, with mergekit's names, parameters and defaults (mergekit/merge_methods/registry.py). */
export const MERGE_METHODS: Record<MergeMethodName, MergeMethodDefinition> = {
  linear: {
    name: 'linear',
    reference: 'https://arxiv.org/abs/2203.05482',
    summary: 'weighted average of the models (no base)',
    needsBaseModel: false,
    parameters: [normalizeParameter(true)],
    modelParameters: [WEIGHT],
    mergeTensor: (input) =>
      linearMerge(
        input.models,
        input.modelParameters.map((p) => p.weight as number),
        input.parameters.normalize as boolean,
      ),
  },
  task_arithmetic: taskArithmetic(
    'task_arithmetic',
    'https://arxiv.org/abs/2212.04089',
    'base + λ · Σ weight · task vector',
    { sparsification: null, consensus: null },
    false,
    false,
  ),
  ties: taskArithmetic(
    'ties',
    'https://arxiv.org/abs/2306.01708',
    'trim each task vector to its largest entries, elect signs, average the agreeing ones',
    { sparsification: 'magnitude', consensus: 'sum' },
    true,
    false,
  ),
  dare_ties: taskArithmetic(
    'dare_ties',
    'https://arxiv.org/abs/2311.03099',
    'random drop and rescale, then TIES sign election',
    { sparsification: 'random', consensus: 'sum' },
    false,
    true,
  ),
  dare_linear: taskArithmetic(
    'dare_linear',
    'https://arxiv.org/abs/2311.03099',
    'random drop and rescale, then task arithmetic',
    { sparsification: 'random', consensus: null },
    false,
    true,
  ),
  breadcrumbs: taskArithmetic(
    'breadcrumbs',
    'https://arxiv.org/abs/2312.06795',
    'drop the largest (outliers) and smallest entries of each task vector, then task arithmetic',
    { sparsification: 'magnitude_outliers', consensus: null },
    false,
    false,
  ),
  breadcrumbs_ties: taskArithmetic(
    'breadcrumbs_ties',
    'https://arxiv.org/abs/2312.06795',
    'breadcrumbs trimming, then TIES sign election',
    { sparsification: 'magnitude_outliers', consensus: 'sum' },
    false,
    false,
  ),
  della: taskArithmetic(
    'della',
    'https://arxiv.org/abs/2406.11617',
    'drop entries with magnitude-ranked probabilities (seeded), rescale, then TIES sign election',
    { sparsification: 'della_magprune', consensus: 'sum' },
    true,
    true,
  ),
  della_linear: taskArithmetic(
    'della_linear',
    'https://arxiv.org/abs/2406.11617',
    'DELLA drop and rescale, then task arithmetic',
    { sparsification: 'della_magprune', consensus: null },
    false,
    true,
  ),
  model_stock: {
    name: 'model_stock',
    reference: 'https://arxiv.org/abs/2403.19522',
    summary: 'move from the base towards the models’ mean by t = N·cos / (1 + (N − 1)·cos)',
    needsBaseModel: true,
    excludesBase: true,
    modelCount: { min: 2 },
    parameters: [
      {
        name: 'filter_wise',
        kind: 'boolean',
        defaultValue: false,
        label: 'filter_wise',
        help: 'one t per row of a matrix instead of per tensor',
        inForm: false,
      },
    ],
    modelParameters: [],
    mergeTensor: (input) =>
      modelStock(
        input.base as Float32Array,
        input.models,
        input.shape,
        input.parameters.filter_wise as boolean,
      ),
  },
  nuslerp: {
    name: 'nuslerp',
    reference: 'https://github.com/arcee-ai/mergekit/blob/main/docs/merge_methods.md',
    summary: 'spherical interpolation of two models (or their task vectors, with a base) by weight',
    needsBaseModel: false,
    optionalBase: true,
    excludesBase: true,
    modelCount: { min: 2, max: 2 },
    parameters: [
      {
        name: 'nuslerp_row_wise',
        kind: 'boolean',
        defaultValue: false,
        label: 'row-wise',
        help: 'interpolate columns rather than rows (without flatten)',
        inForm: false,
      },
      {
        name: 'nuslerp_flatten',
        kind: 'boolean',
        defaultValue: true,
        label: 'flatten',
        help: 'interpolate each tensor as one vector',
        inForm: false,
      },
    ],
    modelParameters: [WEIGHT],
    mergeTensor: (input) => {
      const [w0, w1] = input.modelParameters.map((p) => p.weight as number) as [number, number];
      const t = Math.abs(w0 + w1) < 1e-6 ? 0.5 : w1 / (w0 + w1);
      const options = {
        flatten: input.parameters.nuslerp_flatten as boolean,
        rowWise: input.parameters.nuslerp_row_wise as boolean,
      };
      const [a, b] = input.models as [Float32Array, Float32Array];
      if (!input.base) return nuslerp(t, a, b, input.shape, options);
      const base = input.base;
      const da = a.map((x, i) => x - (base[i] as number));
      const db = b.map((x, i) => x - (base[i] as number));
      const mixed = nuslerp(t, da, db, input.shape, options);
      for (let i = 0; i < mixed.length; i++) mixed[i] = (base[i] as number) + (mixed[i] as number);
      return mixed;
    },
  },
  slerp: {
    name: 'slerp',
    reference: 'https://en.wikipedia.org/wiki/Slerp',
    summary: 'spherical interpolation from the base to one other model',
    needsBaseModel: true,
    pairWithBase: true,
    parameters: [
      {
        name: 't',
        kind: 'number',
        range: { min: 0, max: 1 },
        label: 't (0 = base, 1 = other)',
        help: 'interpolation position from the base (0) to the other model (1)',
        inForm: true,
        grid: true,
        formDefault: 0.5,
      },
    ],
    modelParameters: [],
    mergeTensor: (input) =>
      slerp(input.parameters.t as number, input.base as Float32Array, input.models[0] as Float32Array),
  },
};

export const MERGE_METHOD_NAMES = Object.keys(MERGE_METHODS) as MergeMethodName[];

/** A parameter of a method by name (top-level first, then per-model). */
export function methodParameter(method: MergeMethodName, name: string): ParameterDefinition | undefined {
  const definition = MERGE_METHODS[method];
  return [...definition.parameters, ...definition.modelParameters].find((p) => p.name === name);
}

/** Why a value is not allowed for a parameter (null when it is). */
export function parameterProblem(def: ParameterDefinition, value: unknown): string | null {
  if (typeof value !== def.kind) return `expected ${def.kind} values, got ${JSON.stringify(value)}`;
  if (def.kind !== 'number') return null;
  const x = value as number;
  if (!Number.isFinite(x)) return `${def.name} must be a finite number, got ${x}`;
  const range = def.range;
  if (!range) return null;
  const low = range.minExclusive ? x <= range.min : x < range.min;
  if (low || x > range.max)
    return `${def.name} must be in ${range.minExclusive ? '(' : '['}${range.min}, ${range.max}], got ${x}`;
  return null;
}
