// The search space: a point of the unit box [0, 1]^d ↔ a merge recipe (method, λ, per-model
// weights and densities, optionally per layer group), written as a mergekit config. Pure.

import { stringify } from 'yaml';
import type { TMergeConfig } from '../merge/config.ts';
import { MERGE_METHODS, type MergeMethodName } from '../merge/methods.ts';
import type { TSearchSpec } from './spec.ts';

export const LAYER_GROUPS = ['embeddings', 'lower', 'middle', 'upper', 'head'] as const;
export type LayerGroup = (typeof LAYER_GROUPS)[number];

/** One coordinate of the box and what it sets. */
export type Coordinate =
  | { kind: 'method' }
  | { kind: 'lambda' }
  | { kind: 'weight' | 'density'; model: number; group: LayerGroup | null };

export interface SearchSpace {
  coordinates: Coordinate[];
  methods: MergeMethodName[];
  /** Encoder layer indices of each group (groups without layers are left out of the space). */
  groups: { group: LayerGroup; layers: number[] }[];
}

/** Encoder layer i of N falls in third ⌊3i / N⌋ (lower, middle, upper). */
export function layerThirds(numLayers: number): Record<'lower' | 'middle' | 'upper', number[]> {
  const out = { lower: [] as number[], middle: [] as number[], upper: [] as number[] };
  for (let i = 0; i < numLayers; i++)
    out[(['lower', 'middle', 'upper'] as const)[Math.floor((3 * i) / numLayers)] ?? 'upper'].push(i);
  return out;
}

/** Whether a parameter changes the method's result (the form shows exactly those). */
const uses = (method: MergeMethodName, name: string) =>
  [...MERGE_METHODS[method].parameters, ...MERGE_METHODS[method].modelParameters].some(
    (p) => p.name === name && p.inForm,
  );

export function searchSpace(spec: TSearchSpec, numLayers: number): SearchSpace {
  const methods = [...new Set(spec.methods)];
  const thirds = layerThirds(numLayers);
  const groups = spec.layer_groups
    ? LAYER_GROUPS.map((group) => ({
        group,
        layers: group === 'embeddings' || group === 'head' ? [] : thirds[group],
      })).filter((g) => g.group === 'embeddings' || g.group === 'head' || g.layers.length > 0)
    : [];
  const coordinates: Coordinate[] = [];
  if (methods.length > 1) coordinates.push({ kind: 'method' });
  if (methods.some((m) => uses(m, 'lambda'))) coordinates.push({ kind: 'lambda' });
  for (const kind of ['weight', 'density'] as const) {
    if (!methods.some((m) => uses(m, kind))) continue;
    spec.models.forEach((_, model) => {
      if (groups.length === 0) coordinates.push({ kind, model, group: null });
      else for (const { group } of groups) coordinates.push({ kind, model, group });
    });
  }
  return { coordinates, methods, groups };
}

/** A decoded point: the mergekit config and the values it sets, for tables and charts. */
export interface Recipe {
  method: MergeMethodName;
  lambda: number | null;
  /** Per model: weight and density, one value or one per layer group. */
  models: {
    model: string;
    weight: number | Partial<Record<LayerGroup, number>> | null;
    density: number | Partial<Record<LayerGroup, number>> | null;
  }[];
  config: TMergeConfig;
}

const scale = ([lo, hi]: readonly [number, number], u: number) => round6(lo + (hi - lo) * clamp01(u));
const clamp01 = (u: number) => Math.min(1, Math.max(0, u));
/** Recipes are stored and shown as YAML: six significant decimals are plenty. */
const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

/** The mergekit filter list of a per-group value: layers by index, embeddings, then the head. */
function groupSetting(values: Partial<Record<LayerGroup, number>>, space: SearchSpace) {
  const entries: { filter?: string; value: number }[] = [];
  for (const { group, layers } of space.groups)
    for (const i of layers) entries.push({ filter: `layer.${i}.`, value: values[group] as number });
  entries.push({ filter: 'embeddings', value: values.embeddings as number });
  // Everything else (pooler, classifier) is the head.
  entries.push({ value: values.head as number });
  return entries;
}

/** The recipe at point x of the unit box. */
export function decodePoint(x: readonly number[], spec: TSearchSpec, space: SearchSpace): Recipe {
  let k = 0;
  const next = () => x[k++] ?? 0.5;
  const methodIndex =
    space.methods.length > 1
      ? Math.min(space.methods.length - 1, Math.floor(clamp01(next()) * space.methods.length))
      : 0;
  const method = space.methods[methodIndex] as MergeMethodName;
  const lambdaU = space.coordinates.some((c) => c.kind === 'lambda') ? next() : null;
  const values: Record<'weight' | 'density', (number | Partial<Record<LayerGroup, number>>)[]> = {
    weight: [],
    density: [],
  };
  for (const kind of ['weight', 'density'] as const) {
    if (!space.coordinates.some((c) => c.kind === kind)) continue;
    spec.models.forEach((_, m) => {
      if (space.groups.length === 0) values[kind][m] = scale(spec.ranges[kind], next());
      else {
        const byGroup: Partial<Record<LayerGroup, number>> = {};
        for (const { group } of space.groups) byGroup[group] = scale(spec.ranges[kind], next());
        values[kind][m] = byGroup;
      }
    });
  }
  const lambda = lambdaU !== null && uses(method, 'lambda') ? scale(spec.ranges.lambda, lambdaU) : null;
  const models = spec.models.map((m, i) => ({
    model: m.model,
    weight: uses(method, 'weight') ? (values.weight[i] ?? null) : null,
    density: uses(method, 'density') ? (values.density[i] ?? null) : null,
  }));
  const setting = (v: number | Partial<Record<LayerGroup, number>>) =>
    typeof v === 'number' ? v : groupSetting(v, space);
  const config: TMergeConfig = {
    merge_method: method,
    base_model: spec.base_model,
    models: models.map((m) => {
      const parameters: Record<string, unknown> = {};
      if (m.weight !== null) parameters.weight = setting(m.weight);
      if (m.density !== null) parameters.density = setting(m.density);
      return Object.keys(parameters).length > 0
        ? {
            model: m.model,
            parameters: parameters as NonNullable<TMergeConfig['models'][number]['parameters']>,
          }
        : { model: m.model };
    }),
    ...(lambda !== null ? { parameters: { lambda } } : {}),
    dtype: 'float32',
    ...(spec.head_source ? { head_source: spec.head_source } : {}),
    ...(spec.random_seed !== undefined || MERGE_METHODS[method].random
      ? { random_seed: spec.random_seed ?? spec.seed }
      : {}),
  };
  return { method, lambda, models, config };
}

/** The centre of the box: every range's midpoint, the first method. */
export function centrePoint(space: SearchSpace): number[] {
  return space.coordinates.map((c) => (c.kind === 'method' ? 0.5 / space.methods.length : 0.5));
}

/** A recipe as mergekit YAML, each model reference passed through `rename` (ids → names, paths). */
export function recipeYaml(config: TMergeConfig, rename: (ref: string) => string = (ref) => ref): string {
  return stringify({
    ...config,
    ...(config.base_model ? { base_model: rename(config.base_model) } : {}),
    models: config.models.map((m) => ({ ...m, model: rename(m.model) })),
    ...(config.head_source ? { head_source: rename(config.head_source) } : {}),
  });
}
