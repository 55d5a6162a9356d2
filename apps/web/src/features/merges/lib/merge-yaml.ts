// The merge launch form's model: what the user picks, the mergekit YAML it stands for, and the grid
// of variants a grid launch expands into. Methods, their fields, defaults and ranges all come from
// core's merge registry (no second list here). Pure, so the client form and the server share it.
import {
  MERGE_METHOD_NAMES,
  MERGE_METHODS,
  type MergeMethodName,
  type ParameterDefinition,
  parameterProblem,
} from '@tunelab/core/merge/registry';

export const FORM_METHODS = MERGE_METHOD_NAMES;
export type TFormMethod = MergeMethodName;

export interface TMergeForm {
  method: TFormMethod;
  baseModelId: string;
  /** Per-model values by parameter name (weight, density, …). */
  parents: { modelId: string; values: Record<string, number> }[];
  /** Top-level values by parameter name (lambda, t, …). */
  values: Record<string, number>;
  /** undefined: the method's default. */
  normalize?: boolean;
  headSource?: string;
  seed: number;
}

export interface TFormFields {
  /** Top-level numeric parameters the form shows. */
  global: ParameterDefinition[];
  /** Per-model numeric parameters the form shows. */
  perModel: ParameterDefinition[];
  needsBase: boolean;
  /** slerp: the base and exactly one other model. */
  pairWithBase: boolean;
  random: boolean;
}

/** The fields of a method's form, from the registry. */
export function formFields(method: TFormMethod): TFormFields {
  const definition = MERGE_METHODS[method];
  const shown = (p: ParameterDefinition) => p.inForm && p.kind === 'number';
  return {
    global: definition.parameters.filter(shown),
    perModel: definition.modelParameters.filter(shown),
    needsBase: definition.needsBaseModel,
    pairWithBase: definition.pairWithBase ?? false,
    random: definition.random ?? false,
  };
}

/** The form's starting value of a parameter. */
export function formDefault(def: ParameterDefinition): number {
  const value = def.formDefault ?? def.defaultValue;
  return typeof value === 'number' ? value : (def.range?.min ?? 0);
}

/** Fills the values a method needs that the form does not hold yet (after a method switch). */
export function withDefaults(form: TMergeForm): TMergeForm {
  const { global, perModel } = formFields(form.method);
  const fill = (values: Record<string, number>, defs: ParameterDefinition[]) => {
    const out = { ...values };
    for (const def of defs) if (out[def.name] === undefined) out[def.name] = formDefault(def);
    return out;
  };
  return {
    ...form,
    values: fill(form.values, global),
    parents: form.parents.map((p) => ({ ...p, values: fill(p.values, perModel) })),
  };
}

/** What is wrong with the form's values (range, finiteness), naming the field; null when fine. */
export function formProblem(input: TMergeForm, nameOf: (id: string) => string = (id) => id): string | null {
  const form = withDefaults(input);
  const { global, perModel, pairWithBase, needsBase } = formFields(form.method);
  if (needsBase && !form.baseModelId) return 'pick a base model';
  if (form.parents.length === 0) return 'add at least one model';
  if (pairWithBase && form.parents.length !== 1)
    return `${form.method} takes the base and exactly one other model`;
  for (const def of global) {
    const wrong = parameterProblem(def, form.values[def.name]);
    if (wrong) return wrong;
  }
  for (const p of form.parents) {
    for (const def of pairWithBase ? [] : perModel) {
      const wrong = parameterProblem(def, p.values[def.name]);
      if (wrong) return `${nameOf(p.modelId)}: ${wrong}`;
    }
  }
  return null;
}

/** YAML scalars: ids and numbers need no quoting; anything else is JSON-quoted (valid YAML). */
function scalar(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  return /^[A-Za-z0-9_.-]+$/.test(value) ? value : JSON.stringify(value);
}

/** The mergekit YAML of a form; models are named by TuneLab model id. */
export function mergeFormToYaml(input: TMergeForm): string {
  const form = withDefaults(input);
  const fields = formFields(form.method);
  const lines = [`merge_method: ${form.method}`];
  if (fields.needsBase) lines.push(`base_model: ${scalar(form.baseModelId)}`);
  lines.push('models:');
  if (fields.pairWithBase) {
    lines.push(`  - model: ${scalar(form.baseModelId)}`);
    const other = form.parents[0];
    if (other) lines.push(`  - model: ${scalar(other.modelId)}`);
  } else {
    for (const p of form.parents) {
      const params = fields.perModel.map((def) => `${def.name}: ${p.values[def.name]}`);
      lines.push(`  - model: ${scalar(p.modelId)}`);
      if (params.length > 0) lines.push(`    parameters: {${params.join(', ')}}`);
    }
  }
  const globals: string[] = [];
  for (const def of fields.global) {
    const value = form.values[def.name] as number;
    if (value !== def.defaultValue) globals.push(`${def.name}: ${value}`);
  }
  const hasNormalize = MERGE_METHODS[form.method].parameters.some((p) => p.name === 'normalize');
  if (form.normalize !== undefined && hasNormalize) globals.push(`normalize: ${form.normalize}`);
  if (globals.length > 0) lines.push(`parameters: {${globals.join(', ')}}`);
  lines.push('dtype: float32');
  if (form.headSource) lines.push(`head_source: ${scalar(form.headSource)}`);
  if (fields.random) lines.push(`random_seed: ${form.seed}`);
  return `${lines.join('\n')}\n`;
}

/** Lists of values by parameter name; a per-model parameter's list applies to every parent. */
export type TGrid = Record<string, number[]>;

/** The parameters of a method a grid may vary. */
export function gridFields(method: TFormMethod): ParameterDefinition[] {
  const { global, perModel, pairWithBase } = formFields(method);
  return [...global, ...(pairWithBase ? [] : perModel)].filter((def) => def.grid);
}

/** "0.5, 1, 1.5" → [0.5, 1, 1.5]; throws naming the bad entry. */
export function parseValueList(text: string, field: string): number[] {
  const parts = text
    .split(/[,\s]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  return parts.map((p) => {
    const x = Number(p);
    if (!Number.isFinite(x)) throw new Error(`${field}: '${p}' is not a number`);
    return x;
  });
}

/**
 * Every combination of the grid's values applied to the form (an empty list keeps the form's
 * value), in the order of the method's grid fields. At most `limit` variants.
 */
export function expandGrid(input: TMergeForm, grid: TGrid, limit = 50): TMergeForm[] {
  let out = [withDefaults(input)];
  const perModel = new Set(formFields(input.method).perModel.map((d) => d.name));
  for (const def of gridFields(input.method)) {
    const values = grid[def.name] ?? [];
    if (values.length === 0) continue;
    out = out.flatMap((form) =>
      values.map((value) =>
        perModel.has(def.name)
          ? {
              ...form,
              parents: form.parents.map((p) => ({ ...p, values: { ...p.values, [def.name]: value } })),
            }
          : { ...form, values: { ...form.values, [def.name]: value } },
      ),
    );
    if (out.length > limit) break;
  }
  const total = gridFields(input.method).reduce((n, def) => n * Math.max(1, grid[def.name]?.length ?? 0), 1);
  if (total > limit) throw new Error(`the grid gives ${total} merges; at most ${limit} at once`);
  return out;
}

/** A short label of what distinguishes a merge: "ties lambda=1.2 density=0.3". */
export function describeForm(input: TMergeForm): string {
  const form = withDefaults(input);
  const perModel = new Set(formFields(form.method).perModel.map((d) => d.name));
  const parts: string[] = [form.method];
  for (const def of gridFields(form.method)) {
    const value = perModel.has(def.name)
      ? [...new Set(form.parents.map((p) => p.values[def.name]))].join('/')
      : form.values[def.name];
    parts.push(`${def.name}=${value}`);
  }
  return parts.join(' ');
}

/** What the form knows of a model to pick compatible defaults (no file is read). */
export interface TModelFacts {
  id: string;
  kind: string;
  baseModelId: string | null;
  /** Architecture fields of its config.json (core's architectureKey). */
  architecture: string;
  /** "task/numLabels", or null for a model without a head (a pretrained base). */
  head: string | null;
}

/** Why these models cannot be merged (architecture, lineage), from the facts alone; null when fine. */
export function compatibilityProblem(
  form: TMergeForm,
  models: TModelFacts[],
  nameOf: (id: string) => string,
): string | null {
  const find = (id: string) => models.find((m) => m.id === id);
  const fields = formFields(form.method);
  const base = fields.needsBase ? find(form.baseModelId) : undefined;
  const parents = form.parents.map((p) => find(p.modelId)).filter((m) => m !== undefined);
  const reference = base ?? parents[0];
  const ancestors = (model: TModelFacts) => {
    const seen = new Set<string>();
    for (let id = model.baseModelId; id && !seen.has(id); id = find(id)?.baseModelId ?? null) seen.add(id);
    return seen;
  };
  for (const model of parents) {
    if (reference && model.architecture !== reference.architecture)
      return `'${nameOf(model.id)}' and '${nameOf(reference.id)}' have different architectures or vocabularies`;
    if (base && model.id !== base.id && model.baseModelId && !ancestors(model).has(base.id))
      return `'${nameOf(model.id)}' was fine-tuned from '${nameOf(model.baseModelId)}', not from '${nameOf(base.id)}'`;
  }
  const heads = new Set(parents.map((m) => m.head).filter((h) => h !== null));
  if (heads.size > 1 && !form.headSource) return 'the models have different heads: pick the head to keep';
  return null;
}

/**
 * The form's first state: the base with the most fine-tunes of one head (ties between bases: the
 * newest, as listed first), and two of those fine-tunes, so the defaults can be launched as they are.
 */
export function defaultMergeForm(models: TModelFacts[]): TMergeForm {
  let best: { base: TModelFacts; children: TModelFacts[] } | null = null;
  for (const base of models) {
    const children = models.filter((m) => m.baseModelId === base.id && m.kind === 'finetuned');
    const byHead = new Map<string, TModelFacts[]>();
    for (const child of children)
      byHead.set(child.head ?? '', [...(byHead.get(child.head ?? '') ?? []), child]);
    const largest = [...byHead.values()].sort((a, b) => b.length - a.length)[0] ?? [];
    if (largest.length > (best?.children.length ?? 0)) best = { base, children: largest };
  }
  const tuned = models.filter((m) => m.kind === 'finetuned' || m.kind === 'merged');
  const base = best?.base ?? models.find((m) => m.kind !== 'finetuned') ?? models[0];
  const parents = best ? best.children.slice(0, 2) : tuned.filter((m) => m.id !== base?.id).slice(0, 2);
  return withDefaults({
    method: 'ties',
    baseModelId: base?.id ?? '',
    parents: parents.map((m) => ({ modelId: m.id, values: {} })),
    values: {},
    seed: 0,
  });
}
