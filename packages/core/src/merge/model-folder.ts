import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors/index.ts';

/** Tokenizer files copied into a merged model, when the source has them. */
export const TOKENIZER_FILES = [
  'vocab.txt',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'added_tokens.json',
] as const;

/** config.json fields that must agree for weights to be mergeable entry by entry. */
const ARCHITECTURE_FIELDS = [
  'model_type',
  'vocab_size',
  'hidden_size',
  'num_hidden_layers',
  'num_attention_heads',
  'intermediate_size',
  'hidden_act',
  'max_position_embeddings',
  'type_vocab_size',
  'position_embedding_type',
] as const;

/** config.json fields that define a classification head's label space. */
const LABEL_FIELDS = ['num_labels', 'id2label', 'label2id', 'problem_type'] as const;

/** Prefixes of task-head tensors (BertFor*): their meaning depends on the label space. */
export const HEAD_PREFIXES = ['classifier.', 'cls.'] as const;

/**
 * The inputs cannot be merged as given (another architecture, vocabulary, label space, tensor set or
 * shape, unreadable model folder): retrying will not help, the config or the models must change.
 */
export class MergeRefusedError extends InputError {
  override name = 'MergeRefusedError';
}

export function isHeadTensor(name: string): boolean {
  return HEAD_PREFIXES.some((prefix) => name.startsWith(prefix));
}

export interface ModelFolder {
  name: string;
  dir: string;
  config: Record<string, unknown>;
  /** Tokenizer file name → contents, for the files present. */
  tokenizer: Map<string, Buffer>;
}

export async function loadModelFolder(name: string, dir: string): Promise<ModelFolder> {
  let config: Record<string, unknown>;
  const configPath = path.join(dir, 'config.json');
  try {
    config = JSON.parse(await readFile(configPath, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new MergeRefusedError(
      `model '${name}': cannot read ${configPath}: ${error instanceof Error ? error.message : error}`,
    );
  }
  const tokenizer = new Map<string, Buffer>();
  for (const file of TOKENIZER_FILES) {
    const contents = await readFile(path.join(dir, file)).catch(() => undefined);
    if (contents) tokenizer.set(file, contents);
  }
  return { name, dir, config, tokenizer };
}

/** num_labels as HF derives it: explicit, else the size of id2label, else 2. */
function labelSpace(config: Record<string, unknown>): string {
  const id2label = config.id2label as Record<string, unknown> | undefined;
  const numLabels =
    (config.num_labels as number | undefined) ?? (id2label ? Object.keys(id2label).length : 2);
  return JSON.stringify({ numLabels, id2label: id2label ?? null, problem: config.problem_type ?? null });
}

/**
 * Refuses models that cannot be merged entry by entry: a different architecture config, a
 * different vocabulary or tokenizer, or a different label space (unless `headSource` names which
 * model's head to keep). Returns whether the heads differ.
 */
export function checkMergeable(
  reference: ModelFolder,
  others: ModelFolder[],
  headSource: string | null,
): { headsDiffer: boolean } {
  let headsDiffer = false;
  for (const other of others) {
    for (const field of ARCHITECTURE_FIELDS) {
      const a = JSON.stringify(reference.config[field] ?? null);
      const b = JSON.stringify(other.config[field] ?? null);
      if (a !== b) {
        throw new MergeRefusedError(
          `cannot merge '${other.name}' with '${reference.name}': config.json ${field} is ${b} vs ${a}`,
        );
      }
    }
    const files = new Set([...reference.tokenizer.keys(), ...other.tokenizer.keys()]);
    for (const file of files) {
      if (file === 'tokenizer_config.json' || file === 'special_tokens_map.json') continue;
      const a = reference.tokenizer.get(file);
      const b = other.tokenizer.get(file);
      if (a && b && !a.equals(b)) {
        throw new MergeRefusedError(
          `cannot merge '${other.name}' with '${reference.name}': their ${file} differ (different vocabularies)`,
        );
      }
    }
    if (labelSpace(reference.config) !== labelSpace(other.config)) {
      headsDiffer = true;
      if (!headSource) {
        throw new MergeRefusedError(
          `'${other.name}' and '${reference.name}' have different label spaces (${labelSpace(other.config)} vs ` +
            `${labelSpace(reference.config)}); set head_source: <model> to keep that model's head`,
        );
      }
    }
  }
  return { headsDiffer };
}

export function labelFieldsOf(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of LABEL_FIELDS) if (field in config) out[field] = config[field];
  return out;
}
