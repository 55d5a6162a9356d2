import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import {
  openSafetensors,
  type SafetensorsReader,
  SafetensorsStreamWriter,
  type TensorInfo,
} from '../safetensors/index.ts';
import type { MergePlan } from './config.ts';
import {
  checkMergeable,
  isHeadTensor,
  labelFieldsOf,
  loadModelFolder,
  MergeRefusedError,
  type ModelFolder,
} from './model-folder.ts';
import { mergeTensor, planInputs } from './tensor-rule.ts';

export interface MergeProgress {
  tensor: string;
  /** Tensors done, 1-based. */
  done: number;
  total: number;
}

export interface RunMergeOptions {
  onProgress?: (progress: MergeProgress) => void;
  /** Awaited between tensors; throws (e.g. CancelledError) to stop the merge, leaving no output file. */
  throwIfCancelled?: () => Promise<void>;
}

export interface MergeResult {
  outDir: string;
  tensors: number;
  parameters: number;
  /** Model whose head tensors were copied rather than merged (`head_source`). */
  headTensorsFrom: string | null;
  /** Non-float tensors (e.g. integer buffers) left out of the merged file. */
  skipped: string[];
}

const FLOAT_DTYPES = new Set(['F32', 'F16', 'BF16', 'F64']);

/**
 * Runs a merge tensor by tensor: each output tensor is computed from one tensor of each input and
 * written at once, so memory holds a few tensors, never whole models. The reads of tensor i + 1 and
 * the write of tensor i − 1 run while tensor i is computed. Writes `model.safetensors`,
 * `config.json`, the tokenizer files and `mergekit_config.yml` into `outDir`.
 */
export async function runMerge(
  plan: MergePlan,
  outDir: string,
  options: RunMergeOptions = {},
): Promise<MergeResult> {
  const dtype = plan.config.out_dtype ?? plan.config.dtype ?? 'float32';
  if (dtype !== 'float32')
    throw new MergeRefusedError(`dtype ${dtype} is not supported yet: merges compute and write float32`);
  const inputs = planInputs(plan);
  const folders = await Promise.all(inputs.map((ref) => loadModelFolder(ref.name, ref.path)));
  const reference = folders[0] as ModelFolder;
  const { headsDiffer } = checkMergeable(reference, folders.slice(1), plan.headSource?.name ?? null);
  const headFolder = plan.headSource ? (folders.find((f) => f.dir === plan.headSource?.path) ?? null) : null;

  const readers: SafetensorsReader[] = [];
  let writer: SafetensorsStreamWriter | undefined;
  const inFlight: Promise<unknown>[] = [];
  try {
    for (const folder of folders)
      readers.push(await openSafetensors(path.join(folder.dir, 'model.safetensors')));
    const headReader = headFolder ? (readers[folders.indexOf(headFolder)] as SafetensorsReader) : null;
    const fromHead = (name: string) => headReader !== null && isHeadTensor(name);
    const numLayers =
      typeof reference.config.num_hidden_layers === 'number' ? reference.config.num_hidden_layers : 1;
    const { layout, skipped } = planLayout(folders, readers, headReader, headsDiffer);

    await mkdir(outDir, { recursive: true });
    writer = new SafetensorsStreamWriter(
      path.join(outDir, 'model.safetensors'),
      layout.map((t) => ({ name: t.name, shape: t.shape })),
      { format: 'pt' },
    );
    const readAll = async (name: string): Promise<Map<string, Float32Array>> => {
      if (fromHead(name))
        return new Map([['head', (await (headReader as SafetensorsReader).read(name)).data]]);
      const data = await Promise.all(readers.map((r) => r.read(name).then((t) => t.data)));
      return new Map(folders.map((f, i) => [f.dir, data[i] as Float32Array]));
    };
    const start = (name: string) => {
      const promise = readAll(name);
      promise.catch(() => undefined); // awaited below; this only stops an early unhandled rejection
      inFlight.push(promise);
      return promise;
    };
    let parameters = 0;
    let next = layout[0] ? start(layout[0].name) : null;
    let pendingWrite: Promise<void> = Promise.resolve();
    for (const [index, info] of layout.entries()) {
      const values = await (next as Promise<Map<string, Float32Array>>);
      const following = layout[index + 1];
      next = following ? start(following.name) : null;
      const merged = fromHead(info.name)
        ? (values.get('head') as Float32Array)
        : mergeTensor(plan, info.name, values, numLayers);
      await pendingWrite;
      pendingWrite = (writer as SafetensorsStreamWriter).write(info.name, merged);
      pendingWrite.catch(() => undefined);
      inFlight.push(pendingWrite);
      parameters += merged.length;
      options.onProgress?.({ tensor: info.name, done: index + 1, total: layout.length });
      await options.throwIfCancelled?.();
    }
    await pendingWrite;
    await writer.finish();
    writer = undefined;

    const tokenizerDir = plan.tokenizerSource?.path ?? reference.dir;
    const tokenizerFolder = folders.find((f) => f.dir === tokenizerDir) as ModelFolder;
    for (const file of tokenizerFolder.tokenizer.keys()) {
      await copyFile(path.join(tokenizerDir, file), path.join(outDir, file));
    }
    const config = { ...reference.config, ...(headFolder ? labelFieldsOf(headFolder.config) : {}) };
    await writeFile(path.join(outDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    await writeFile(path.join(outDir, 'mergekit_config.yml'), configUsed(plan));
    return { outDir, tensors: layout.length, parameters, headTensorsFrom: headFolder?.name ?? null, skipped };
  } finally {
    await Promise.allSettled(inFlight);
    await writer?.abort();
    await Promise.all(readers.map((r) => r.close()));
  }
}

/** Output tensors in the reference model's order, checked present with one shape in every input. */
function planLayout(
  folders: ModelFolder[],
  readers: SafetensorsReader[],
  headReader: SafetensorsReader | null,
  headsDiffer: boolean,
): { layout: TensorInfo[]; skipped: string[] } {
  const reference = readers[0] as SafetensorsReader;
  const layout: TensorInfo[] = [];
  const skipped: string[] = [];
  for (const info of reference.tensors) {
    if (!FLOAT_DTYPES.has(info.dtype)) {
      skipped.push(info.name);
      continue;
    }
    if (headReader && isHeadTensor(info.name)) {
      layout.push(headReader.info(info.name) ?? info);
      continue;
    }
    for (const [i, reader] of readers.entries()) {
      const other = reader.info(info.name);
      const name = folders[i]?.name;
      if (!other)
        throw new MergeRefusedError(`tensor ${info.name} is missing from '${name}' (${reader.path})`);
      if (other.shape.join('x') !== info.shape.join('x')) {
        const hint = headsDiffer || isHeadTensor(info.name) ? '; set head_source to keep one head' : '';
        throw new MergeRefusedError(
          `tensor ${info.name} has shape [${other.shape}] in '${name}' but [${info.shape}] in '${folders[0]?.name}'${hint}`,
        );
      }
    }
    layout.push(info);
  }
  for (const [i, reader] of readers.entries()) {
    for (const info of reader.tensors) {
      if (!reference.info(info.name) && !(headReader && isHeadTensor(info.name))) {
        throw new MergeRefusedError(
          `tensor ${info.name} is in '${folders[i]?.name}' but not in '${folders[0]?.name}'`,
        );
      }
    }
  }
  return { layout, skipped };
}

/** The config as run: paths made absolute and the DARE seed written out, so the file re-runs as is. */
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
    // TuneLab's extension, written only where it matters (DARE) so other configs stay plain mergekit.
    ...(plan.config.random_seed !== undefined || plan.method.startsWith('dare')
      ? { random_seed: plan.seed }
      : {}),
  };
  return stringify(config);
}
