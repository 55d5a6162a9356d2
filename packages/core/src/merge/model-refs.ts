import { parse } from 'yaml';

/**
 * The model references of a mergekit YAML config (`base_model`, `models[].model`,
 * `tokenizer_source`, `head_source`), in order of appearance, without duplicates. Read from the
 * parsed value, so YAML aliases (`model: *p`) count as the value they stand for: the same
 * references {@link parseMergeConfig}'s resolver sees. `tokenizer_source: base` names the base model,
 * not a model, and is left out. Anything malformed is left to parseMergeConfig to report.
 */
export function listModelRefs(text: string): string[] {
  let raw: unknown;
  try {
    raw = parse(text, { logLevel: 'error' });
  } catch {
    return [];
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const config = raw as Record<string, unknown>;
  const refs: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string' && value.length > 0 && !refs.includes(value)) refs.push(value);
  };
  add(config.base_model);
  if (Array.isArray(config.models)) {
    for (const item of config.models)
      if (item && typeof item === 'object') add((item as Record<string, unknown>).model);
  }
  if (config.tokenizer_source !== 'base') add(config.tokenizer_source);
  add(config.head_source);
  return refs;
}
