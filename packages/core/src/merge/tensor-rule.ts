import { type MergeModelRef, type MergePlan, tensorParameters } from './config.ts';
import { linearMerge } from './linear.ts';
import { MERGE_METHODS } from './methods.ts';
import { layerPosition } from './parameter-settings.ts';
import { hashString, mixSeed } from './seeded-random.ts';

/** The base a method takes deltas against (null for methods without one, such as linear). */
export function planBase(plan: MergePlan): MergeModelRef | null {
  const definition = MERGE_METHODS[plan.method];
  return definition.needsBaseModel || definition.optionalBase ? plan.base : null;
}

/** The input folders a plan reads, base first, each once. */
export function planInputs(plan: MergePlan): MergeModelRef[] {
  const inputs: MergeModelRef[] = [];
  const base = planBase(plan);
  for (const ref of [...(base ? [base] : []), ...plan.models]) {
    if (!inputs.some((r) => r.path === ref.path)) inputs.push(ref);
  }
  return inputs;
}

/** The models whose tensors a method combines (slerp: the model that is not the base). */
export function mergedModels(plan: MergePlan): MergeModelRef[] {
  const definition = MERGE_METHODS[plan.method];
  if (definition.pairWithBase) {
    const base = plan.base as MergeModelRef;
    return [plan.models.find((m) => m.path !== base.path) ?? base];
  }
  return plan.models;
}

/**
 * Merges one tensor from its value in every input (keyed by folder path) with the method's rule
 * from the registry. Synchronous and pure apart from overwriting the tuned inputs (task-vector
 * methods turn them into their deltas). Random masks are seeded from (random_seed, tensor name,
 * model index), so they do not depend on the order tensors stream in.
 */
export function mergeTensor(
  plan: MergePlan,
  name: string,
  inputs: Map<string, Float32Array>,
  numLayers = 1,
  shape: number[] = [inputs.values().next().value?.length ?? 0],
): Float32Array {
  const definition = MERGE_METHODS[plan.method];
  // Gradients and filters resolve per tensor (a scalar setting gives the same value everywhere).
  const { parameters, models: perModel } = tensorParameters(plan, name, layerPosition(name, numLayers));
  const get = (ref: MergeModelRef): Float32Array => {
    const data = inputs.get(ref.path);
    if (!data) throw new Error(`tensor ${name}: no value read from '${ref.name}'`);
    return data;
  };
  const models = mergedModels(plan);
  const data: Float32Array[] = [];
  for (const model of models) {
    // Rules may overwrite a model's tensor (task vectors): copy one listed twice.
    const value = get(model);
    data.push(data.includes(value) ? Float32Array.from(value) : value);
  }
  const stream = hashString(name);
  return definition.mergeTensor({
    name,
    base: planBase(plan) ? get(plan.base as MergeModelRef) : null,
    models: data,
    parameters,
    modelParameters: definition.pairWithBase ? [] : perModel,
    seedOf: (m) => mixSeed(plan.seed, stream, m),
    labelOf: (m) => `tensor ${name} of '${models[m]?.name}'`,
    shape,
  });
}

/**
 * A tensor the base lacks (see tensor-layout.ts): Σ wᵢθᵢ / Σ wᵢ over the merged models, with each
 * model's weight for this tensor where the method has weights, else (or when they sum to 0) equal.
 */
export function averageTensor(
  plan: MergePlan,
  name: string,
  inputs: Map<string, Float32Array>,
  numLayers = 1,
): Float32Array {
  const models = mergedModels(plan);
  const data = models.map((m) => {
    const value = inputs.get(m.path);
    if (!value) throw new Error(`tensor ${name}: no value read from '${m.name}'`);
    return value;
  });
  const definition = MERGE_METHODS[plan.method];
  let weights = models.map(() => 1);
  if (!definition.pairWithBase && definition.modelParameters.some((p) => p.name === 'weight')) {
    const { models: perModel } = tensorParameters(plan, name, layerPosition(name, numLayers));
    const given = perModel.map((p) => p.weight as number);
    if (Math.abs(given.reduce((s, w) => s + w, 0)) > 1e-8) weights = given;
  }
  return linearMerge(data, weights, true);
}
