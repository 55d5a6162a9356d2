import { type MergeModelRef, type MergePlan, tensorParameters } from './config.ts';
import { linearMerge } from './linear.ts';
import { MERGE_METHODS } from './methods.ts';
import { layerPosition } from './parameter-settings.ts';
import { hashString, mixSeed } from './seeded-random.ts';
import { slerp } from './slerp.ts';
import { mergeTaskVectors, type TaskVectorParameters } from './task-arithmetic.ts';

/** The input folders a plan reads, base first, each once. */
export function planInputs(plan: MergePlan): MergeModelRef[] {
  const inputs: MergeModelRef[] = [];
  for (const ref of [...(plan.base ? [plan.base] : []), ...plan.models]) {
    if (!inputs.some((r) => r.path === ref.path)) inputs.push(ref);
  }
  return inputs;
}

/**
 * Merges one tensor from its value in every input (keyed by folder path). Synchronous and pure
 * apart from overwriting the tuned inputs with their deltas. DARE masks are seeded from
 * (random_seed, tensor name, model index), so they do not depend on the order tensors stream in.
 */
export function mergeTensor(
  plan: MergePlan,
  name: string,
  inputs: Map<string, Float32Array>,
  numLayers = 1,
): Float32Array {
  // Gradients and filters resolve per tensor (a scalar setting gives the same value everywhere).
  const { parameters: global, models: perModel } = tensorParameters(
    plan,
    name,
    layerPosition(name, numLayers),
  );
  const get = (ref: MergeModelRef): Float32Array => {
    const data = inputs.get(ref.path);
    if (!data) throw new Error(`tensor ${name}: no value read from '${ref.name}'`);
    return data;
  };
  if (plan.method === 'linear') {
    return linearMerge(
      plan.models.map(get),
      perModel.map((p) => p.weight as number),
      global.normalize as boolean,
    );
  }
  const base = plan.base as MergeModelRef;
  const baseData = get(base);
  if (plan.method === 'slerp') {
    const other = plan.models.find((m) => m.path !== base.path) ?? base;
    return slerp(global.t as number, baseData, get(other));
  }
  const recipe = MERGE_METHODS[plan.method].recipe;
  if (!recipe) throw new Error(`merge method ${plan.method} has no tensor rule`);
  const stream = hashString(name);
  const tuned: Float32Array[] = [];
  const parameters: TaskVectorParameters[] = [];
  for (const [m, model] of plan.models.entries()) {
    // mergeTaskVectors overwrites each tuned tensor with its delta: copy one listed twice.
    const data = get(model);
    tuned.push(tuned.includes(data) ? Float32Array.from(data) : data);
    parameters.push({
      weight: perModel[m]?.weight as number,
      density: perModel[m]?.density ?? 1,
      seed: mixSeed(plan.seed, stream, m),
      label: `tensor ${name} of '${model.name}'`,
    });
  }
  return mergeTaskVectors(baseData, tuned, parameters, {
    ...recipe,
    normalize: global.normalize as boolean,
    lambda: global.lambda as number,
    rescale: global.rescale as boolean,
  });
}
