import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import {
  openSafetensors,
  type SafetensorsReader,
  SafetensorsStreamWriter,
  type TensorInfo,
} from '../safetensors/index.ts';
import type { MergeModelRef, MergePlan } from './config.ts';
import { linearMerge } from './linear.ts';
import { MERGE_METHODS } from './methods.ts';
import {
  checkMergeable,
  isHeadTensor,
  labelFieldsOf,
  loadModelFolder,
  type ModelFolder,
} from './model-folder.ts';
import { hashString, mixSeed } from './seeded-random.ts';
import { slerp } from './slerp.ts';
import { mergeTaskVectors, type TaskVectorParameters } from './task-arithmetic.ts';

export interface MergeProgress {
  tensor: string;
  /** Tensors done, 1-based. */
  done: number;
  total: number;
}

export interface RunMergeOptions {
  onProgress?: (progress: MergeProgress) => void;
}

export interface MergeResult {
  outDir: string;
  tensors: number;
  parameters: number;
  /** Tensors copied from `head_source` rather than merged. */
  headTensorsFrom: string | null;
  /** Non-float tensors (e.g. integer buffers) left out of the merged file. */
  skipped: string[];
}

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);

/**
 * Runs a merge tensor by tensor: each output tensor is computed from one tensor of each input and
 * written at once, so memory holds a handful of tensors, never whole models. Writes
 * `model.safetensors`, `config.json`, the tokenizer files and `mergekit_config.yml` into `outDir`.
 */
export async function runMerge(
  plan: MergePlan,
  outDir: string,
  options: RunMergeOptions = {},
): Promise<MergeResult> {
  const dtype = plan.config.out_dtype ?? plan.config.dtype ?? 'float32';
  if (dtype !== 'float32')
    throw new Error(`dtype ${dtype} is not supported yet: merges compute and write float32`);

  // Every distinct folder read, base first; slerp and linear read the models as listed.
  const inputs: MergeModelRef[] = [];
  for (const ref of [...(plan.base ? [plan.base] : []), ...plan.models]) {
    if (!inputs.some((r) => r.path === ref.path)) inputs.push(ref);
  }
  const folders = await Promise.all(inputs.map((ref) => loadModelFolder(ref.name, ref.path)));
  const reference = folders[0] as ModelFolder;
  const { headsDiffer } = checkMergeable(reference, folders.slice(1), plan.headSource?.name ?? null);
  const headFolder = plan.headSource ? (folders.find((f) => f.dir === plan.headSource?.path) ?? null) : null;

  const readers: SafetensorsReader[] = [];
  let writer: SafetensorsStreamWriter | undefined;
  try {
    for (const folder of folders)
      readers.push(await openSafetensors(path.join(folder.dir, 'model.safetensors')));
    const byDir = new Map(folders.map((f, i) => [f.dir, readers[i] as SafetensorsReader]));
    const referenceReader = readers[0] as SafetensorsReader;
    const headReader = headFolder ? (byDir.get(headFolder.dir) as SafetensorsReader) : null;

    const layout: TensorInfo[] = [];
    const skipped: string[] = [];
    for (const info of referenceReader.tensors) {
      if (!FLOAT_DTYPES.has(info.dtype)) {
        skipped.push(info.name);
        continue;
      }
      const fromHead = headReader !== null && isHeadTensor(info.name);
      const source = fromHead ? (headReader.info(info.name) ?? info) : info;
      if (!fromHead) checkTensorEverywhere(info, folders, readers, headsDiffer);
      layout.push(source);
    }
    for (const [i, reader] of readers.entries()) {
      for (const info of reader.tensors) {
        if (!referenceReader.info(info.name) && !(headReader && isHeadTensor(info.name))) {
          throw new Error(`tensor ${info.name} is in '${folders[i]?.name}' but not in '${reference.name}'`);
        }
      }
    }

    await mkdir(outDir, { recursive: true });
    writer = new SafetensorsStreamWriter(
      path.join(outDir, 'model.safetensors'),
      layout.map((t) => ({ name: t.name, shape: t.shape })),
      { format: 'pt' },
    );
    let parameters = 0;
    for (const [index, info] of layout.entries()) {
      let merged: Float32Array;
      if (headReader && isHeadTensor(info.name)) {
        merged = (await headReader.read(info.name)).data;
      } else {
        merged = await mergeTensor(plan, info.name, (ref) =>
          (byDir.get(ref.path) as SafetensorsReader).read(info.name).then((t) => t.data),
        );
      }
      await writer.write(info.name, merged);
      parameters += merged.length;
      options.onProgress?.({ tensor: info.name, done: index + 1, total: layout.length });
    }
    await writer.finish();
    writer = undefined;

    const tokenizerDir = plan.tokenizerSource?.path ?? reference.dir;
    const tokenizerFolder = folders.find((f) => f.dir === tokenizerDir) as ModelFolder;
    for (const file of tokenizerFolder.tokenizer.keys())
      await copyFile(path.join(tokenizerDir, file), path.join(outDir, file));
    const config = { ...reference.config, ...(headFolder ? labelFieldsOf(headFolder.config) : {}) };
    await writeFile(path.join(outDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    await writeFile(path.join(outDir, 'mergekit_config.yml'), configUsed(plan));
    return { outDir, tensors: layout.length, parameters, headTensorsFrom: headFolder?.name ?? null, skipped };
  } finally {
    await writer?.abort();
    await Promise.all(readers.map((r) => r.close()));
  }
}

function checkTensorEverywhere(
  info: TensorInfo,
  folders: ModelFolder[],
  readers: SafetensorsReader[],
  headsDiffer: boolean,
): void {
  for (const [i, reader] of readers.entries()) {
    const other = reader.info(info.name);
    const name = folders[i]?.name;
    if (!other) throw new Error(`tensor ${info.name} is missing from '${name}' (${reader.path})`);
    if (other.shape.join('x') !== info.shape.join('x')) {
      const hint = headsDiffer || isHeadTensor(info.name) ? '; set head_source to keep one head' : '';
      throw new Error(
        `tensor ${info.name} has shape [${other.shape}] in '${name}' but [${info.shape}] in '${folders[0]?.name}'${hint}`,
      );
    }
  }
}

async function mergeTensor(
  plan: MergePlan,
  name: string,
  read: (ref: MergeModelRef) => Promise<Float32Array>,
): Promise<Float32Array> {
  const definition = MERGE_METHODS[plan.method];
  if (plan.method === 'linear') {
    const tensors = await Promise.all(plan.models.map(read));
    return linearMerge(
      tensors,
      plan.models.map((m) => m.parameters.weight as number),
      plan.parameters.normalize as boolean,
    );
  }
  const base = plan.base as MergeModelRef;
  const baseData = await read(base);
  if (plan.method === 'slerp') {
    const other = plan.models.find((m) => m.path !== base.path) ?? base;
    return slerp(plan.parameters.t as number, baseData, await read(other));
  }
  const recipe = definition.recipe;
  if (!recipe) throw new Error(`merge method ${plan.method} has no tensor rule`);
  const stream = hashString(name);
  const deltas: Float32Array[] = [];
  const parameters: TaskVectorParameters[] = [];
  for (const [m, model] of plan.models.entries()) {
    const delta = await read(model);
    for (let i = 0; i < delta.length; i++) delta[i] = (delta[i] as number) - (baseData[i] as number);
    deltas.push(delta);
    parameters.push({
      weight: model.parameters.weight as number,
      density: model.parameters.density ?? 1,
      seed: mixSeed(plan.seed, stream, m),
      label: `tensor ${name} of '${model.name}'`,
    });
  }
  return mergeTaskVectors(baseData, deltas, parameters, {
    ...recipe,
    normalize: plan.parameters.normalize as boolean,
    lambda: plan.parameters.lambda as number,
    rescale: plan.parameters.rescale as boolean,
  });
}

/** The config as run: paths made absolute and the seed written out, so the file re-runs as is. */
function configUsed(plan: MergePlan): string {
  const absolute = (name: string) =>
    plan.models.find((m) => m.name === name)?.path ?? (plan.base?.name === name ? plan.base.path : name);
  const config = {
    ...plan.config,
    ...(plan.config.base_model ? { base_model: absolute(plan.config.base_model) } : {}),
    models: plan.config.models.map((m) => ({ ...m, model: absolute(m.model) })),
    ...(plan.config.tokenizer_source && plan.tokenizerSource
      ? { tokenizer_source: plan.tokenizerSource.path }
      : {}),
    ...(plan.config.head_source && plan.headSource ? { head_source: plan.headSource.path } : {}),
    random_seed: plan.seed,
  };
  return stringify(config);
}
