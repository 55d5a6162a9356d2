// Test support (imported by core and CLI tests as `@tunelab/core/merge/testing`): model folders
// derived from the fixtures, such as a masked-LM base with its fine-tunes' heads removed.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readSafetensorsFile, type TensorMap, writeSafetensorsFile } from '../../safetensors/index.ts';

export interface ModelChange {
  /** config.json fields to set; `undefined` removes a field. */
  config?: Record<string, unknown>;
  /** Edits the tensors in place (add, delete, overwrite). */
  tensors?: (tensors: TensorMap) => void;
}

/** Copies the model folder `from` to `dir` with changes; returns `dir`. */
export async function writeModelVariant(
  from: string,
  dir: string,
  change: ModelChange = {},
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const config = JSON.parse(await readFile(path.join(from, 'config.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  for (const [key, value] of Object.entries(change.config ?? {})) {
    if (value === undefined) delete config[key];
    else config[key] = value;
  }
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(config, null, 2));
  await copyFile(path.join(from, 'vocab.txt'), path.join(dir, 'vocab.txt'));
  const tensors = await readSafetensorsFile(path.join(from, 'model.safetensors'));
  change.tensors?.(tensors);
  await writeSafetensorsFile(path.join(dir, 'model.safetensors'), tensors);
  return dir;
}

/** The masked-LM tensors a BertForMaskedLM checkpoint holds instead of a pooler and a classifier. */
export const MASKED_LM_HEAD = [
  'cls.predictions.bias',
  'cls.predictions.transform.dense.weight',
  'cls.predictions.transform.dense.bias',
  'cls.predictions.transform.LayerNorm.weight',
  'cls.predictions.transform.LayerNorm.bias',
] as const;

/** The tensors fine-tunes (BertForSequenceClassification) add over a masked-LM base, sorted. */
export const CLASSIFIER_HEAD = [
  'bert.pooler.dense.bias',
  'bert.pooler.dense.weight',
  'classifier.bias',
  'classifier.weight',
] as const;

/**
 * A BertForMaskedLM-style base made from a sequence-classification folder: the pooler and the
 * classifier removed, `cls.predictions.*` added (deterministic values), label fields dropped from
 * config.json. Fine-tunes of `from` then look like fine-tunes of this base.
 */
export async function writeMaskedLmBase(from: string, dir: string): Promise<string> {
  return writeModelVariant(from, dir, {
    config: {
      architectures: ['BertForMaskedLM'],
      num_labels: undefined,
      problem_type: undefined,
      id2label: undefined,
      label2id: undefined,
    },
    tensors: (tensors) => {
      const hidden = tensors.get('bert.embeddings.LayerNorm.weight')?.shape[0] as number;
      const vocab = tensors.get('bert.embeddings.word_embeddings.weight')?.shape[0] as number;
      for (const name of [...tensors.keys()])
        if (name.startsWith('bert.pooler.') || name.startsWith('classifier.')) tensors.delete(name);
      const fill = (n: number, scale: number) =>
        Float32Array.from({ length: n }, (_, i) => scale * Math.sin(i + 1));
      tensors.set('cls.predictions.bias', { shape: [vocab], data: fill(vocab, 0.01) });
      tensors.set('cls.predictions.transform.dense.weight', {
        shape: [hidden, hidden],
        data: fill(hidden * hidden, 0.02),
      });
      tensors.set('cls.predictions.transform.dense.bias', { shape: [hidden], data: fill(hidden, 0.01) });
      tensors.set('cls.predictions.transform.LayerNorm.weight', {
        shape: [hidden],
        data: new Float32Array(hidden).fill(1),
      });
      tensors.set('cls.predictions.transform.LayerNorm.bias', {
        shape: [hidden],
        data: new Float32Array(hidden),
      });
    },
  });
}
