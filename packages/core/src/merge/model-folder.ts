import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors/index.ts';
import { ITEM_RANGES_FIELD, LABEL_RANGE_FIELD } from '../hf/config.ts';
import { openSafetensors, type SafetensorsReader } from '../safetensors/index.ts';

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

/** The architecture fields of a config.json as one string: models merge entry by entry only when equal. */
export function architectureKey(config: Record<string, unknown>): string {
  return JSON.stringify(ARCHITECTURE_FIELDS.map((field) => config[field] ?? null));
}

/** config.json fields that define a classification head's label space. */
// The label range travels with the head: a merge scores on the head source's scale.
const LABEL_FIELDS = [
  'num_labels',
  'id2label',
  'label2id',
  'problem_type',
  LABEL_RANGE_FIELD,
  ITEM_RANGES_FIELD,
] as const;

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

/** Names a model by name, never by folder: messages reach users who never see the artifact store. */
function readProblem(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string') return code === 'ENOENT' ? 'no such file' : code;
  return error instanceof SyntaxError ? `not valid JSON (${error.message})` : 'unreadable';
}

export async function loadModelFolder(name: string, dir: string): Promise<ModelFolder> {
  let config: Record<string, unknown>;
  try {
    config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new MergeRefusedError(`model '${name}': cannot read its config.json: ${readProblem(error)}`);
  }
  const tokenizer = new Map<string, Buffer>();
  for (const file of TOKENIZER_FILES) {
    const contents = await readFile(
      /*turbopackIgnore: true*/ path.join(/*turbopackIgnore: true*/ dir, file),
    ).catch(() => undefined);
    if (contents) tokenizer.set(file, contents);
  }
  return { name, dir, config, tokenizer };
}

/** Opens a model's model.safetensors; errors name the model, not the file's path. */
export async function openModelWeights(name: string, dir: string): Promise<SafetensorsReader> {
  const file = path.join(dir, 'model.safetensors');
  try {
    return await openSafetensors(file);
  } catch (error) {
    const message = error instanceof Error ? error.message.split(file).join('model.safetensors') : '';
    const problem = (error as { code?: unknown })?.code ? readProblem(error) : message;
    throw new MergeRefusedError(`model '${name}': cannot read its model.safetensors: ${problem}`);
  }
}

/** num_labels as HF derives it: explicit, else the size of id2label, else 2. */
function labelSpace(config: Record<string, unknown>): string {
  const id2label = config.id2label as Record<string, unknown> | undefined;
  const numLabels =
    (config.num_labels as number | undefined) ?? (id2label ? Object.keys(id2label).length : 2);
  return JSON.stringify({ numLabels, id2label: id2label ?? null, problem: config.problem_type ?? null });
}

/**
 * Refuses models that cannot be merged entry by entry: a different architecture config or a
 * different vocabulary or tokenizer. Label spaces are checked apart ({@link checkLabelSpaces}): only
 * the models that hold a classification head take part.
 */
export function checkMergeable(reference: ModelFolder, others: ModelFolder[]): void {
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
  }
}

/**
 * Whether the heads of `holders` (the models holding a classification head) have different label
 * spaces; refused then unless `headSource` names the head to keep.
 */
export function checkLabelSpaces(
  holders: ModelFolder[],
  headSource: string | null,
): { headsDiffer: boolean } {
  const [first, ...rest] = holders;
  if (!first) return { headsDiffer: false };
  for (const other of rest) {
    if (labelSpace(first.config) === labelSpace(other.config)) continue;
    if (!headSource) {
      throw new MergeRefusedError(
        `'${other.name}' and '${first.name}' have different label spaces (${labelSpace(other.config)} vs ` +
          `${labelSpace(first.config)}); set head_source: <model> to keep that model's head`,
      );
    }
    return { headsDiffer: true };
  }
  return { headsDiffer: false };
}

/** config.json fields a merged model takes from the model its classification head comes from. */
export function labelFieldsOf(config: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of [...LABEL_FIELDS, 'architectures']) if (field in config) out[field] = config[field];
  return out;
}
