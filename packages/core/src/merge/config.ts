import path from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import {
  MERGE_METHOD_NAMES,
  MERGE_METHODS,
  type MergeMethodName,
  type ParameterDefinition,
} from './methods.ts';

const ZParameterValue = z.union([
  z.number(),
  z.boolean(),
  z.array(z.unknown()),
  z.record(z.string(), z.unknown()),
]);
const ZParameters = z.record(z.string(), ZParameterValue);

/** A mergekit-style config (the `models:` form). TuneLab adds `head_source` and `random_seed`. */
export const ZMergeConfig = z
  .object({
    merge_method: z.enum(MERGE_METHOD_NAMES as [MergeMethodName, ...MergeMethodName[]]),
    base_model: z.string().min(1).optional(),
    models: z
      .array(z.object({ model: z.string().min(1), parameters: ZParameters.optional() }).strict())
      .min(1, 'list at least one model'),
    parameters: ZParameters.optional(),
    dtype: z.enum(['float32', 'float16', 'bfloat16']).optional(),
    out_dtype: z.enum(['float32', 'float16', 'bfloat16']).optional(),
    tokenizer_source: z.string().min(1).optional(),
    /** TuneLab: which model's classification head to keep when the parents' label spaces differ. */
    head_source: z.string().min(1).optional(),
    /** TuneLab: seed of DARE drop masks (mergekit takes it on its command line). */
    random_seed: z.number().int().nonnegative().optional(),
    name: z.string().optional(),
  })
  .strict();
export type TMergeConfig = z.infer<typeof ZMergeConfig>;

export interface MergeModelRef {
  /** As written in the config. */
  name: string;
  /** Absolute folder. */
  path: string;
}

export interface PlannedModel extends MergeModelRef {
  parameters: Record<string, number>;
}

/** A validated config with paths resolved and every parameter filled in. */
export interface MergePlan {
  method: MergeMethodName;
  base: MergeModelRef | null;
  /** Models in config order (for task arithmetic, the base is not among them). */
  models: PlannedModel[];
  parameters: Record<string, number | boolean>;
  tokenizerSource: MergeModelRef | null;
  headSource: MergeModelRef | null;
  seed: number;
  config: TMergeConfig;
}

export class MergeConfigError extends Error {
  override name = 'MergeConfigError';
}

/**
 * Parses and validates a mergekit YAML (or JSON) config. Model paths are resolved against the
 * folder of `sourcePath`. Errors name the field and, where the YAML gives it, the line.
 */
export function parseMergeConfig(text: string, sourcePath = 'merge config'): MergePlan {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    throw new MergeConfigError(`${sourcePath}: invalid YAML: ${first?.message ?? 'unknown error'}`);
  }
  const raw: unknown = doc.toJS();
  const where = (fieldPath: (string | number)[]): string => {
    let node = doc.getIn(fieldPath, true);
    // Point at the nearest ancestor that exists (a missing field is reported at its parent).
    for (let cut = fieldPath.length; !isNode(node) && cut > 0; cut--)
      node = doc.getIn(fieldPath.slice(0, cut - 1), true);
    const offset = isNode(node) ? node.range?.[0] : undefined;
    const field = fieldPath.length > 0 ? fieldPath.join('.') : '(top level)';
    return offset === undefined
      ? `${sourcePath}: ${field}`
      : `${sourcePath}:${lineCounter.linePos(offset).line}: ${field}`;
  };
  if (raw && typeof raw === 'object' && 'slices' in raw) {
    throw new MergeConfigError(
      `${where(['slices'])}: 'slices' configs are not supported; list whole models under 'models'`,
    );
  }
  const parsed = ZMergeConfig.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const fieldPath = (issue?.path ?? []).filter((p): p is string | number => typeof p !== 'symbol');
    throw new MergeConfigError(`${where(fieldPath)}: ${issue?.message ?? 'invalid'}`);
  }
  const config = parsed.data;
  const definition = MERGE_METHODS[config.merge_method];
  const folder = path.dirname(path.resolve(sourcePath));
  const resolve = (name: string): MergeModelRef => {
    if (name.includes('+'))
      throw new MergeConfigError(`${sourcePath}: model '${name}': LoRA adapters (+) are not supported`);
    return { name, path: path.resolve(folder, name) };
  };

  const global = config.parameters ?? {};
  const scalar = (
    value: unknown,
    def: ParameterDefinition,
    fieldPath: (string | number)[],
  ): number | boolean => {
    if (Array.isArray(value) || (value !== null && typeof value === 'object')) {
      throw new MergeConfigError(
        `${where(fieldPath)}: per-layer values (gradients or filters) are not supported yet; give one ${def.kind}`,
      );
    }
    if (typeof value !== def.kind)
      throw new MergeConfigError(`${where(fieldPath)}: expected a ${def.kind}, got ${JSON.stringify(value)}`);
    return value as number | boolean;
  };

  const known = new Set([...definition.parameters, ...definition.modelParameters].map((p) => p.name));
  for (const key of Object.keys(global)) {
    if (!known.has(key))
      throw new MergeConfigError(`${where(['parameters', key])}: unknown parameter for ${definition.name}`);
  }
  const parameters: Record<string, number | boolean> = {};
  for (const def of definition.parameters) {
    const value = global[def.name] ?? def.defaultValue;
    if (value === undefined)
      throw new MergeConfigError(
        `${where(['parameters', def.name])}: ${definition.name} requires parameters.${def.name}`,
      );
    parameters[def.name] = scalar(value, def, ['parameters', def.name]);
  }

  const base = config.base_model ? resolve(config.base_model) : null;
  if (definition.needsBaseModel && !base)
    throw new MergeConfigError(`${where(['base_model'])}: ${definition.name} requires base_model`);
  const isBase = (name: string) => base !== null && resolve(name).path === base.path;

  const models: PlannedModel[] = [];
  config.models.forEach((entry, index) => {
    const own = entry.parameters ?? {};
    for (const key of Object.keys(own)) {
      if (!known.has(key))
        throw new MergeConfigError(
          `${where(['models', index, 'parameters', key])}: unknown parameter for ${definition.name}`,
        );
    }
    // The base of a task-arithmetic merge has no task vector; mergekit skips it too.
    if (definition.recipe && isBase(entry.model)) return;
    const modelParameters: Record<string, number> = {};
    for (const def of definition.modelParameters) {
      const value = own[def.name] ?? global[def.name] ?? def.defaultValue;
      if (value === undefined) {
        throw new MergeConfigError(
          `${where(['models', index])}: model '${entry.model}' needs parameters.${def.name}`,
        );
      }
      modelParameters[def.name] = scalar(value, def, ['models', index, 'parameters', def.name]) as number;
    }
    const density = modelParameters.density;
    if (density !== undefined && !(density > 0 && density <= 1)) {
      throw new MergeConfigError(
        `${where(['models', index, 'parameters', 'density'])}: density must be in (0, 1], got ${density}`,
      );
    }
    models.push({ ...resolve(entry.model), parameters: modelParameters });
  });

  if (definition.name === 'slerp') {
    if (config.models.length !== 2 || !config.models.some((m) => isBase(m.model))) {
      throw new MergeConfigError(
        `${where(['models'])}: slerp needs exactly two models, one of them base_model`,
      );
    }
    const t = parameters.t as number;
    if (!(t >= 0 && t <= 1))
      throw new MergeConfigError(`${where(['parameters', 't'])}: t must be in [0, 1], got ${t}`);
  }
  if (definition.recipe && models.length === 0) {
    throw new MergeConfigError(
      `${where(['models'])}: ${definition.name} needs at least one model besides base_model`,
    );
  }

  const tokenizerSource = config.tokenizer_source ?? null;
  if (tokenizerSource === 'union')
    throw new MergeConfigError(`${where(['tokenizer_source'])}: 'union' vocabularies are not supported`);
  const memberPaths = new Set([
    ...config.models.map((m) => resolve(m.model).path),
    ...(base ? [base.path] : []),
  ]);
  const member = (name: string, field: string): MergeModelRef => {
    const ref = name === 'base' && base ? base : resolve(name);
    if (!memberPaths.has(ref.path))
      throw new MergeConfigError(`${where([field])}: '${name}' is not one of the merged models`);
    return ref;
  };

  return {
    method: definition.name,
    base,
    models,
    parameters,
    tokenizerSource: tokenizerSource ? member(tokenizerSource, 'tokenizer_source') : null,
    headSource: config.head_source ? member(config.head_source, 'head_source') : null,
    seed: config.random_seed ?? 0,
    config,
  };
}
