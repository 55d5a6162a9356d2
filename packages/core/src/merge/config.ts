import path from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { InputError } from '../errors/index.ts';
import {
  MERGE_METHOD_NAMES,
  MERGE_METHODS,
  type MergeMethodName,
  type ParameterDefinition,
  parameterProblem,
} from './methods.ts';
import {
  evaluateSetting,
  settingLeaves,
  settingProblem,
  type TParameterSetting,
} from './parameter-settings.ts';

const ZParameterValue = z.union([
  // Any number, NaN and ±Infinity included: parameterProblem then says what is wrong with it.
  z.custom<number>((value) => typeof value === 'number'),
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
  /** The reference as written in the config (a path for the CLI, a model id in the dashboard). */
  ref: string;
  /** How messages name the model (the model's name in the dashboard, the reference for the CLI). */
  name: string;
  /** Absolute folder. */
  path: string;
  /** What `mergekit_config.yml` of the result names it by (default: the absolute folder). */
  written?: string;
}

/**
 * Turns one model reference of a config into its folder. The one place references are resolved:
 * after YAML parsing, so aliases and anchors resolve to their values before they get here. May
 * throw (a MergeConfigError naming the reference) for references it does not accept.
 */
export type ModelResolver = (ref: string, field: string) => MergeModelRef;

export interface ParseMergeConfigOptions {
  /** Default: a folder path, relative to the folder of the config file. */
  resolveModel?: ModelResolver;
}

export interface PlannedModel extends MergeModelRef {
  /** Values at the first layer (t = 0) for display; per-tensor values come from tensorParameters. */
  parameters: Record<string, number>;
  /** This model's own settings as written (scalars, gradients or filters). */
  settings: Record<string, TParameterSetting>;
}

/** A validated config with paths resolved and every parameter filled in. */
export interface MergePlan {
  method: MergeMethodName;
  base: MergeModelRef | null;
  /** Models in config order (for task arithmetic, the base is not among them). */
  models: PlannedModel[];
  /** Values at t = 0 for display; per-tensor values come from tensorParameters. */
  parameters: Record<string, number | boolean>;
  /** Top-level `parameters:` as written (also the fallback of per-model parameters). */
  settings: Record<string, TParameterSetting>;
  tokenizerSource: MergeModelRef | null;
  headSource: MergeModelRef | null;
  seed: number;
  config: TMergeConfig;
}

export class MergeConfigError extends InputError {
  override name = 'MergeConfigError';
}

/**
 * Parses and validates a mergekit YAML (or JSON) config. Model paths are resolved against the
 * folder of `sourcePath`. Errors name the field and, where the YAML gives it, the line.
 */
export function parseMergeConfig(
  text: string,
  sourcePath = 'merge config',
  options: ParseMergeConfigOptions = {},
): MergePlan {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, logLevel: 'error' });
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    throw new MergeConfigError(`${sourcePath}: invalid YAML: ${first?.message ?? 'unknown error'}`);
  }
  let raw: unknown;
  try {
    // toJS expands aliases: an unknown one, or too many (a "billion laughs" config), throws here
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new MergeConfigError(`${sourcePath}: invalid YAML: ${(error as Error).message}`);
  }
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
  // turbopackIgnore: user-given paths, read at run time; without it `next build` traces the whole project.
  const folder = path.dirname(path.resolve(/*turbopackIgnore: true*/ sourcePath));
  const resolveModel: ModelResolver =
    options.resolveModel ?? ((ref) => ({ ref, name: ref, path: path.resolve(folder, ref) }));
  const resolved = new Map<string, MergeModelRef>();
  const resolve = (ref: string, field = 'models'): MergeModelRef => {
    if (ref.includes('+'))
      throw new MergeConfigError(`${sourcePath}: model '${ref}': LoRA adapters (+) are not supported`);
    let out = resolved.get(ref);
    if (!out) {
      out = resolveModel(ref, field);
      resolved.set(ref, out);
    }
    return out;
  };

  const global = config.parameters ?? {};
  /** Validates a setting (scalar, gradient or filters): shape, kind and range of every value. */
  const setting = (
    value: unknown,
    def: ParameterDefinition,
    fieldPath: (string | number)[],
  ): TParameterSetting => {
    const problem = settingProblem(value);
    if (problem) throw new MergeConfigError(`${where(fieldPath)}: ${problem}`);
    for (const leaf of settingLeaves(value)) {
      const wrong = parameterProblem(def, leaf);
      if (wrong) throw new MergeConfigError(`${where(fieldPath)}: ${wrong}`);
    }
    return value as TParameterSetting;
  };
  const firstValue = (settings: (TParameterSetting | undefined)[], def: ParameterDefinition) => {
    for (const item of settings) {
      const v = item === undefined ? undefined : evaluateSetting(item, '', 0);
      if (v !== undefined) return v;
    }
    return def.defaultValue;
  };

  const known = new Set([...definition.parameters, ...definition.modelParameters].map((p) => p.name));
  for (const key of Object.keys(global)) {
    if (!known.has(key))
      throw new MergeConfigError(`${where(['parameters', key])}: unknown parameter for ${definition.name}`);
  }
  const settings: Record<string, TParameterSetting> = {};
  for (const [key, value] of Object.entries(global)) {
    const def = [...definition.parameters, ...definition.modelParameters].find(
      (d) => d.name === key,
    ) as ParameterDefinition;
    settings[key] = setting(value, def, ['parameters', key]);
  }
  const parameters: Record<string, number | boolean> = {};
  for (const def of definition.parameters) {
    const value = firstValue([settings[def.name]], def);
    if (value === undefined && settings[def.name] === undefined) {
      throw new MergeConfigError(
        `${where(['parameters', def.name])}: ${definition.name} requires parameters.${def.name}`,
      );
    }
    if (value !== undefined) parameters[def.name] = value;
  }

  const base = config.base_model ? resolve(config.base_model, 'base_model') : null;
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
    // The base of a task-vector merge has no task vector; mergekit skips it too.
    if (definition.excludesBase && isBase(entry.model)) return;
    const modelSettings: Record<string, TParameterSetting> = {};
    const modelParameters: Record<string, number> = {};
    for (const def of definition.modelParameters) {
      if (own[def.name] !== undefined) {
        modelSettings[def.name] = setting(own[def.name], def, ['models', index, 'parameters', def.name]);
      }
      const value = firstValue([modelSettings[def.name], settings[def.name]], def);
      if (value === undefined && modelSettings[def.name] === undefined && settings[def.name] === undefined) {
        throw new MergeConfigError(
          `${where(['models', index])}: model '${resolve(entry.model).name}' needs parameters.${def.name}`,
        );
      }
      if (value !== undefined) modelParameters[def.name] = value as number;
    }
    models.push({ ...resolve(entry.model), parameters: modelParameters, settings: modelSettings });
  });

  if (definition.name === 'slerp') {
    if (config.models.length !== 2 || !config.models.some((m) => isBase(m.model))) {
      throw new MergeConfigError(
        `${where(['models'])}: slerp needs exactly two models, one of them base_model`,
      );
    }
  }
  const count = definition.modelCount;
  if (count && (models.length < count.min || (count.max !== undefined && models.length > count.max))) {
    const wanted = count.max === count.min ? `exactly ${count.min}` : `at least ${count.min}`;
    throw new MergeConfigError(
      `${where(['models'])}: ${definition.name} needs ${wanted} model${count.min > 1 ? 's' : ''} besides base_model, got ${models.length}`,
    );
  }
  if (definition.recipe?.sparsification === 'della_magprune') {
    // mergekit refuses density ± epsilon outside (0, 1) per tensor; here before any tensor is read.
    for (const m of models) {
      for (const d of settingLeaves(m.settings.density ?? settings.density ?? 1) as number[]) {
        if (d >= 1) continue;
        for (const e of settingLeaves(m.settings.epsilon ?? settings.epsilon ?? 0.15) as number[]) {
          if (d + e >= 1 || d - e <= 0)
            throw new MergeConfigError(
              `${where(['models'])}: model '${m.name}': density ${d} ± epsilon ${e} must stay in (0, 1)`,
            );
        }
      }
    }
  }

  const tokenizerSource = config.tokenizer_source ?? null;
  if (tokenizerSource === 'union')
    throw new MergeConfigError(`${where(['tokenizer_source'])}: 'union' vocabularies are not supported`);
  const memberPaths = new Set([
    ...config.models.map((m) => resolve(m.model).path),
    ...(base ? [base.path] : []),
  ]);
  const member = (name: string, field: string): MergeModelRef => {
    const ref = name === 'base' && base ? base : resolve(name, field);
    if (!memberPaths.has(ref.path))
      throw new MergeConfigError(`${where([field])}: '${ref.name}' is not one of the merged models`);
    return ref;
  };

  return {
    method: definition.name,
    base,
    models,
    parameters,
    settings,
    tokenizerSource: tokenizerSource ? member(tokenizerSource, 'tokenizer_source') : null,
    headSource: config.head_source ? member(config.head_source, 'head_source') : null,
    seed: config.random_seed ?? 0,
    config,
  };
}

/**
 * The parameters that apply to one tensor: each setting evaluated at the tensor's name and layer
 * position t (see parameter-settings.ts); a model's own setting first, then the top-level one, then
 * the method's default. mergekit resolves parameters per tensor the same way.
 */
export function tensorParameters(
  plan: MergePlan,
  tensorName: string,
  t: number,
): { parameters: Record<string, number | boolean>; models: Record<string, number>[] } {
  const definition = MERGE_METHODS[plan.method];
  const value = (settings: (TParameterSetting | undefined)[], def: ParameterDefinition, owner: string) => {
    for (const item of settings) {
      const v = item === undefined ? undefined : evaluateSetting(item, tensorName, t);
      if (v !== undefined) return v;
    }
    if (def.defaultValue !== undefined) return def.defaultValue;
    throw new MergeConfigError(`${owner}: no value of ${def.name} applies to tensor ${tensorName}`);
  };
  const parameters: Record<string, number | boolean> = {};
  for (const def of definition.parameters)
    parameters[def.name] = value([plan.settings[def.name]], def, 'parameters');
  const models = plan.models.map((m) => {
    const out: Record<string, number> = {};
    for (const def of definition.modelParameters) {
      out[def.name] = value(
        [m.settings[def.name], plan.settings[def.name]],
        def,
        `model '${m.name}'`,
      ) as number;
    }
    return out;
  });
  return { parameters, models };
}
