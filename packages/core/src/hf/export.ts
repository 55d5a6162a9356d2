import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type TensorMap, writeSafetensorsFile } from '../safetensors/index.ts';
import { tokenizerFiles, type WordPieceTokenizer } from '../tokenizer/index.ts';
import { type BertConfig, configForExport, type HfHead, HfModelError, parseBertConfig } from './config.ts';
import { normaliseBertTensors } from './tensors.ts';

export interface ExportHfModelInput {
  config: BertConfig;
  /** Canonical names (as returned by importHfModel or the encoder). */
  tensors: TensorMap;
  tokenizer: WordPieceTokenizer;
  head: HfHead;
  /** Extra `__metadata__` for model.safetensors; `format: "pt"` is always set (transformers requires it). */
  metadata?: Record<string, string>;
}

async function writeAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}

/**
 * Writes a folder transformers loads with `AutoModel*.from_pretrained(dir)` and
 * `AutoTokenizer.from_pretrained(dir)`: config.json (architectures, labels, problem_type),
 * model.safetensors with the canonical tensor names, vocab.txt, tokenizer.json,
 * tokenizer_config.json and special_tokens_map.json. Everything is checked before anything is
 * written; each file is replaced atomically. Returns the names of the files written.
 */
export async function exportHfModel(dir: string, input: ExportHfModelInput): Promise<string[]> {
  const numLabels =
    input.head === 'sequence-classification' ? input.tensors.get('classifier.weight')?.shape[0] : undefined;
  const config = configForExport(input.config, input.head, numLabels);
  // Validate the config and tensors exactly as an import would, before touching the folder.
  parseBertConfig(structuredClone(config), join(dir, 'config.json'));
  const { tensors, headKind } = normaliseBertTensors(input.tensors, config, `export to ${dir}`);
  if (headKind !== input.head) {
    throw new HfModelError(
      `export to ${dir}: head is "${input.head}" but the tensors hold a ${headKind} head`,
    );
  }
  if (input.tokenizer.vocabSize > config.vocab_size) {
    throw new HfModelError(
      `export to ${dir}: tokenizer has ${input.tokenizer.vocabSize} tokens but vocab_size is ${config.vocab_size}`,
    );
  }
  await mkdir(dir, { recursive: true });
  await writeSafetensorsFile(join(dir, 'model.safetensors'), tensors, { ...input.metadata, format: 'pt' });
  await writeAtomic(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  const tokFiles = tokenizerFiles(input.tokenizer, config.max_position_embeddings);
  for (const [name, content] of Object.entries(tokFiles)) await writeAtomic(join(dir, name), content);
  return ['config.json', 'model.safetensors', ...Object.keys(tokFiles)];
}
