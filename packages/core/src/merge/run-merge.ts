import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { type SafetensorsReader, SafetensorsStreamWriter } from '../safetensors/index.ts';
import type { MergePlan } from './config.ts';
import { MERGE_METHODS } from './methods.ts';
import {
  checkLabelSpaces,
  checkMergeable,
  labelFieldsOf,
  loadModelFolder,
  MergeRefusedError,
  type ModelFolder,
  openModelWeights,
} from './model-folder.ts';
import { type LayoutEntry, planTensorLayout } from './tensor-layout.ts';
import { averageTensor, mergedModels, mergeTensor, planBase, planInputs } from './tensor-rule.ts';

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
  /** Base tensors no merged model holds (a masked-LM head), left out of the output. */
  dropped: string[];
  /** Tensors the base lacks (pooler, classifier), copied from head_source or averaged. */
  added: string[];
}

/**
 * Runs a merge tensor by tensor: each output tensor is computed from one tensor of each input and
 * written at once, so memory holds a few tensors, never whole models. The reads of tensor i + 1 and
 * the write of tensor i − 1 run while tensor i is computed. Writes `model.safetensors`,
 * `config.json`, the tokenizer files and `mergekit_config.yml` into `outDir`. Which tensors are
 * written follows planTensorLayout (heads that differ between base and models). A merged tensor
 * holding a non-finite value stops the merge (MergeRefusedError) and leaves no model.safetensors.
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
  checkMergeable(reference, folders.slice(1));
  const indexOf = (dir: string) => folders.findIndex((f) => f.dir === dir);
  const merged = [...new Set(mergedModels(plan).map((m) => indexOf(m.path)))];
  const headIndex = plan.headSource ? indexOf(plan.headSource.path) : -1;
  const headFolder = headIndex >= 0 ? (folders[headIndex] as ModelFolder) : null;
  const hasBase = planBase(plan) !== null;

  const readers: SafetensorsReader[] = [];
  let writer: SafetensorsStreamWriter | undefined;
  const inFlight: Promise<unknown>[] = [];
  try {
    for (const folder of folders) readers.push(await openModelWeights(folder.name, folder.dir));
    // Label spaces matter among the models holding a classifier; a masked-LM base has none.
    const holdsClassifier = (i: number) =>
      (readers[i] as SafetensorsReader).tensors.some((t) => t.name.startsWith('classifier.'));
    const holders = [...(hasBase && holdsClassifier(0) ? [0] : []), ...merged.filter(holdsClassifier)];
    const { headsDiffer } = checkLabelSpaces(
      [...new Set(holders)].map((i) => folders[i] as ModelFolder),
      plan.headSource?.name ?? null,
    );
    const layout = planTensorLayout({
      readers,
      names: folders.map((f) => f.name),
      merged,
      hasBase,
      headSource: headFolder ? headIndex : null,
      headsDiffer,
    });
    const numLayers =
      typeof reference.config.num_hidden_layers === 'number' ? reference.config.num_hidden_layers : 1;

    await mkdir(outDir, { recursive: true });
    writer = new SafetensorsStreamWriter(
      path.join(outDir, 'model.safetensors'),
      layout.entries.map((t) => ({ name: t.info.name, shape: t.info.shape })),
      { format: 'pt' },
    );
    const readAll = async ({ info, source }: LayoutEntry): Promise<Map<string, Float32Array>> => {
      const from =
        source.kind === 'copy' ? [source.from] : source.kind === 'average' ? source.from : folders.keys();
      const wanted = [...new Set(from)];
      const data = await Promise.all(wanted.map((i) => (readers[i] as SafetensorsReader).read(info.name)));
      return new Map(wanted.map((i, k) => [(folders[i] as ModelFolder).dir, data[k]?.data as Float32Array]));
    };
    const start = (entry: LayoutEntry) => {
      const promise = readAll(entry);
      promise.catch(() => undefined); // awaited below; this only stops an early unhandled rejection
      inFlight.push(promise);
      return promise;
    };
    let parameters = 0;
    const entries = layout.entries;
    let next = entries[0] ? start(entries[0]) : null;
    let pendingWrite: Promise<void> = Promise.resolve();
    for (const [index, entry] of entries.entries()) {
      const values = await (next as Promise<Map<string, Float32Array>>);
      const following = entries[index + 1];
      next = following ? start(following) : null;
      const name = entry.info.name;
      const result =
        entry.source.kind === 'copy'
          ? (values.get((headFolder as ModelFolder).dir) as Float32Array)
          : entry.source.kind === 'average'
            ? averageTensor(plan, name, values, numLayers)
            : mergeTensor(plan, name, values, numLayers, entry.info.shape);
      checkFinite(name, result);
      await pendingWrite;
      pendingWrite = (writer as SafetensorsStreamWriter).write(name, result);
      pendingWrite.catch(() => undefined);
      inFlight.push(pendingWrite);
      parameters += result.length;
      options.onProgress?.({ tensor: name, done: index + 1, total: entries.length });
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
    // The label config goes with the classifier: head_source's, else the merged models' own when
    // the base holds no classifier (their label spaces agree, checked above).
    const labelFrom =
      headFolder ??
      (hasBase && !holdsClassifier(0) && merged.some(holdsClassifier)
        ? folders[merged.find(holdsClassifier) as number]
        : null);
    const config = { ...reference.config, ...(labelFrom ? labelFieldsOf(labelFrom.config) : {}) };
    await writeFile(path.join(outDir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
    await writeFile(path.join(outDir, 'mergekit_config.yml'), configUsed(plan));
    return {
      outDir,
      tensors: entries.length,
      parameters,
      headTensorsFrom: headFolder?.name ?? null,
      skipped: layout.skipped,
      dropped: layout.dropped,
      added: layout.added,
    };
  } finally {
    await Promise.allSettled(inFlight);
    await writer?.abort();
    await Promise.all(readers.map((r) => r.close()));
  }
}

/** A merged tensor must be finite: overflowing weights or λ would otherwise write a broken model. */
function checkFinite(name: string, values: Float32Array): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i] as number)) {
      throw new MergeRefusedError(
        `tensor ${name}: the merge gives a non-finite value (${values[i]}) at entry ${i}; check the weights and lambda (model_stock: task vectors pointing in opposite directions)`,
      );
    }
  }
}

/**
 * The config as run: each model named as its resolver says (absolute paths by default) and the
 * random seed written out, so the file re-runs as is.
 */
function configUsed(plan: MergePlan): string {
  const refs = [...(plan.base ? [plan.base] : []), ...plan.models];
  const absolute = (ref: string) => {
    const found = refs.find((m) => m.ref === ref);
    return found ? (found.written ?? found.path) : ref;
  };
  const config = {
    ...plan.config,
    ...(plan.config.base_model ? { base_model: absolute(plan.config.base_model) } : {}),
    models: plan.config.models.map((m) => ({ ...m, model: absolute(m.model) })),
    ...(plan.config.tokenizer_source && plan.tokenizerSource
      ? { tokenizer_source: plan.tokenizerSource.written ?? plan.tokenizerSource.path }
      : {}),
    ...(plan.config.head_source && plan.headSource
      ? { head_source: plan.headSource.written ?? plan.headSource.path }
      : {}),
    // TuneLab's extension, written only where it matters (random masks) so other configs stay plain mergekit.
    ...(plan.config.random_seed !== undefined || MERGE_METHODS[plan.method].random
      ? { random_seed: plan.seed }
      : {}),
  };
  return stringify(config);
}
