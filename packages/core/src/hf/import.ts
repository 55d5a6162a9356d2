import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readSafetensorsFile, type TensorMap } from '../safetensors/index.ts';
import { loadTokenizerFromDir, type WordPieceTokenizer } from '../tokenizer/index.ts';
import { type BertConfig, type HfHead, HfModelError, parseBertConfig } from './config.ts';
import { normaliseBertTensors } from './tensors.ts';

export interface ImportedHfModel {
  config: BertConfig;
  /** Canonical (`bert.`-prefixed) names, float32, in canonical order. */
  tensors: TensorMap;
  tokenizer: WordPieceTokenizer;
  headKind: HfHead;
  /** Files read, relative to the folder. */
  files: string[];
  /** Checkpoint tensors dropped as not needed (position_ids buffers, NSP head, tied copies). */
  ignoredTensors: string[];
}

const ZShardIndex = z.object({ weight_map: z.record(z.string(), z.string()) }).loose();

async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new HfModelError(`${path}: cannot read: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HfModelError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
}

/** Reads model.safetensors, or the shards listed by model.safetensors.index.json. */
async function readWeights(dir: string, files: string[]): Promise<TensorMap> {
  const single = join(dir, 'model.safetensors');
  if (existsSync(single)) {
    files.push('model.safetensors');
    return readSafetensorsFile(single);
  }
  const indexPath = join(dir, 'model.safetensors.index.json');
  if (existsSync(indexPath)) {
    const parsed = ZShardIndex.safeParse(await readJsonFile(indexPath));
    if (!parsed.success)
      throw new HfModelError(`${indexPath}: has no weight_map of tensor name → shard file`);
    files.push('model.safetensors.index.json');
    const out: TensorMap = new Map();
    const shards = [...new Set(Object.values(parsed.data.weight_map))].sort();
    for (const shard of shards) {
      if (shard.includes('/') || shard.includes('\\')) {
        throw new HfModelError(`${indexPath}: shard "${shard}" is not a file name in the same folder`);
      }
      files.push(shard);
      for (const [name, t] of await readSafetensorsFile(join(dir, shard))) {
        if (out.has(name))
          throw new HfModelError(`${join(dir, shard)}: tensor "${name}" is also in another shard`);
        out.set(name, t);
      }
    }
    for (const [name, shard] of Object.entries(parsed.data.weight_map)) {
      if (!out.has(name))
        throw new HfModelError(`${join(dir, shard)}: tensor "${name}" listed in the index is missing`);
    }
    return out;
  }
  const legacy = ['pytorch_model.bin', 'tf_model.h5'].find((f) => existsSync(join(dir, f)));
  throw new HfModelError(
    legacy
      ? `${dir}: weights are in ${legacy}; only safetensors is supported (convert with transformers: model.save_pretrained(dir, safe_serialization=True))`
      : `${dir}: has no model.safetensors or model.safetensors.index.json`,
  );
}

/**
 * Imports a Hugging Face BERT folder (config.json, vocab.txt or tokenizer.json, model.safetensors):
 * BertModel, BertForSequenceClassification or BertForMaskedLM. Tensor names are normalised to the
 * canonical `bert.`-prefixed spelling; any other architecture, unknown, missing or misshapen tensor
 * is refused with a message naming it.
 */
export async function importHfModel(dir: string): Promise<ImportedHfModel> {
  const files: string[] = ['config.json'];
  const configPath = join(dir, 'config.json');
  const config = parseBertConfig(await readJsonFile(configPath), configPath);
  const { tokenizer, vocabFile, tokenizerConfig } = await loadTokenizerFromDir(dir);
  files.push(vocabFile);
  if (tokenizerConfig) files.push('tokenizer_config.json');
  if (tokenizer.vocabSize !== config.vocab_size) {
    // Vocabularies may be smaller than the embedding matrix (padded for speed), never larger.
    if (tokenizer.vocabSize > config.vocab_size) {
      throw new HfModelError(
        `${join(dir, vocabFile)}: has ${tokenizer.vocabSize} tokens but config.json vocab_size is ${config.vocab_size}`,
      );
    }
  }
  const raw = await readWeights(dir, files);
  const { tensors, headKind, ignored } = normaliseBertTensors(raw, config, join(dir, files.at(-1) as string));
  if (headKind === 'sequence-classification' && config.num_labels === undefined) {
    config.num_labels = tensors.get('classifier.weight')?.shape[0];
  }
  return { config, tensors, tokenizer, headKind, files, ignoredTensors: ignored };
}
