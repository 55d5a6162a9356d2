// The merge launch form's model: what the user picks, the mergekit YAML it stands for, and the grid
// of variants a grid launch expands into. Pure, so the client form and the server share it.

export const FORM_METHODS = [
  'linear',
  'task_arithmetic',
  'ties',
  'dare_linear',
  'dare_ties',
  'slerp',
] as const;
export type TFormMethod = (typeof FORM_METHODS)[number];

export interface TMergeForm {
  method: TFormMethod;
  baseModelId: string;
  parents: { modelId: string; weight: number; density: number }[];
  lambda: number;
  t: number;
  /** undefined: the method's default. */
  normalize?: boolean;
  headSource?: string;
  seed: number;
}

const USES_DENSITY = new Set<TFormMethod>(['ties', 'dare_linear', 'dare_ties']);
const USES_LAMBDA = new Set<TFormMethod>(['task_arithmetic', 'ties', 'dare_linear', 'dare_ties']);

export function usesDensity(method: TFormMethod): boolean {
  return USES_DENSITY.has(method);
}

export function usesLambda(method: TFormMethod): boolean {
  return USES_LAMBDA.has(method);
}

/** YAML scalars: ids and numbers need no quoting; anything else is JSON-quoted (valid YAML). */
function scalar(value: string | number | boolean): string {
  if (typeof value !== 'string') return String(value);
  return /^[A-Za-z0-9_.-]+$/.test(value) ? value : JSON.stringify(value);
}

/** The mergekit YAML of a form; models are named by TuneLab model id. */
export function mergeFormToYaml(form: TMergeForm): string {
  const lines = [`merge_method: ${form.method}`];
  if (form.method !== 'linear') lines.push(`base_model: ${scalar(form.baseModelId)}`);
  lines.push('models:');
  if (form.method === 'slerp') {
    lines.push(`  - model: ${scalar(form.baseModelId)}`);
    const other = form.parents[0];
    if (other) lines.push(`  - model: ${scalar(other.modelId)}`);
  } else {
    for (const p of form.parents) {
      const params = [`weight: ${p.weight}`];
      if (usesDensity(form.method)) params.push(`density: ${p.density}`);
      lines.push(`  - model: ${scalar(p.modelId)}`, `    parameters: {${params.join(', ')}}`);
    }
  }
  const globals: string[] = [];
  if (form.method === 'slerp') globals.push(`t: ${form.t}`);
  if (usesLambda(form.method) && form.lambda !== 1) globals.push(`lambda: ${form.lambda}`);
  if (form.normalize !== undefined && form.method !== 'slerp') globals.push(`normalize: ${form.normalize}`);
  if (globals.length > 0) lines.push(`parameters: {${globals.join(', ')}}`);
  lines.push('dtype: float32');
  if (form.headSource) lines.push(`head_source: ${scalar(form.headSource)}`);
  if (form.method.startsWith('dare')) lines.push(`random_seed: ${form.seed}`);
  return `${lines.join('\n')}\n`;
}

export interface TGrid {
  lambda: number[];
  density: number[];
  t: number[];
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
 * value; density applies to every parent). At most `limit` variants.
 */
export function expandGrid(form: TMergeForm, grid: TGrid, limit = 50): TMergeForm[] {
  const lambdas = usesLambda(form.method) && grid.lambda.length > 0 ? grid.lambda : [form.lambda];
  const densities = usesDensity(form.method) && grid.density.length > 0 ? grid.density : [null];
  const ts = form.method === 'slerp' && grid.t.length > 0 ? grid.t : [form.t];
  const out: TMergeForm[] = [];
  for (const lambda of lambdas) {
    for (const density of densities) {
      for (const t of ts) {
        out.push({
          ...form,
          lambda,
          t,
          parents: form.parents.map((p) => ({ ...p, density: density ?? p.density })),
        });
      }
    }
  }
  if (out.length > limit) throw new Error(`the grid gives ${out.length} merges; at most ${limit} at once`);
  return out;
}

/** A short label of what distinguishes a merge: "ties λ=1.2 d=0.3". */
export function describeForm(form: TMergeForm): string {
  const parts: string[] = [form.method];
  if (usesLambda(form.method)) parts.push(`λ=${form.lambda}`);
  if (usesDensity(form.method)) parts.push(`d=${[...new Set(form.parents.map((p) => p.density))].join('/')}`);
  if (form.method === 'slerp') parts.push(`t=${form.t}`);
  return parts.join(' ');
}
