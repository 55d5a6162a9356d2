// Model merging with mergekit's method names, parameters and defaults (see ../../../../README.md,
// "Tuning vectors and merging"). Pure typed-array math plus a streaming runner over safetensors.
import { readFile } from 'node:fs/promises';
import { type MergePlan, parseMergeConfig } from './config.ts';

export {
  MergeConfigError,
  type MergeModelRef,
  type MergePlan,
  type ModelResolver,
  type ParseMergeConfigOptions,
  type PlannedModel,
  parseMergeConfig,
  type TMergeConfig,
  tensorParameters,
  ZMergeConfig,
} from './config.ts';
export { linearMerge } from './linear.ts';
export { keepTopKMagnitude, magnitudeThreshold } from './magnitude-select.ts';
export type { TensorMergeInput } from './methods.ts';
export {
  architectureKey,
  checkLabelSpaces,
  checkMergeable,
  isHeadTensor,
  MergeRefusedError,
  openModelWeights,
  TOKENIZER_FILES,
} from './model-folder.ts';
export * from './registry/index.ts';
export { type MergeProgress, type MergeResult, type RunMergeOptions, runMerge } from './run-merge.ts';
export { slerp } from './slerp.ts';
export { dropRandom, type SparsificationMethod, sparsify } from './sparsify.ts';
export {
  type ConsensusMethod,
  mergeTaskVectors,
  type TaskArithmeticOptions,
  type TaskArithmeticRecipe,
  type TaskVectorParameters,
} from './task-arithmetic.ts';
export { type LayoutEntry, planTensorLayout, type TensorLayout, type TensorSource } from './tensor-layout.ts';

/** Reads and validates a mergekit YAML config file; model paths are relative to its folder. */
export async function loadMergeConfig(file: string): Promise<MergePlan> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new Error(`cannot read merge config ${file}: ${error instanceof Error ? error.message : error}`);
  });
  return parseMergeConfig(text, file);
}
export { listModelRefs } from './model-refs.ts';
