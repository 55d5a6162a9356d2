/**
 * mergekit parameter settings: a scalar, a gradient (a list of numbers interpolated along the
 * layers), or a list of `{filter, value}` conditions picked by tensor name.
 *
 *   gradient [v₀ … v_{k−1}] at position t ∈ [0, 1]: s = t·(k − 1), i = ⌊s⌋,
 *   value = (1 − (s − i))·v_i + (s − i)·v_{min(i+1, k−1)}
 *   e.g. t: [0, 0.5, 1] gives 0 for the first layer, 0.5 for the middle one and 1 for the last.
 *
 * As in mergekit's planner, encoder layer i of N sits at t = i / (N − 1) (t = 1 when N = 1), and
 * every tensor outside the layers (embeddings, pooler, head) at t = 0. A condition applies when its
 * `filter` is absent, "*", or a substring of the tensor name; the first that applies wins.
 */
export type TParameterSetting =
  | number
  | boolean
  | (number | boolean)[]
  | { filter?: string; value: TParameterSetting }[];

export function isCondition(entry: unknown): entry is { filter?: string; value: unknown } {
  return entry !== null && typeof entry === 'object' && !Array.isArray(entry) && 'value' in entry;
}

/** Checks the shape of a setting; returns a reason when it is not one, else null. */
export function settingProblem(setting: unknown): string | null {
  if (typeof setting === 'number' || typeof setting === 'boolean') return null;
  if (!Array.isArray(setting) || setting.length === 0)
    return 'expected a value, a list of values or a list of {filter, value}';
  if (setting.every((e) => typeof e === 'number' || typeof e === 'boolean')) return null;
  for (const entry of setting) {
    if (!isCondition(entry)) return 'a list must hold only values or only {filter, value} entries';
    const keys = Object.keys(entry).filter((k) => k !== 'filter' && k !== 'value');
    if (keys.length > 0) return `unknown key '${keys[0]}' in a {filter, value} entry`;
    if (entry.filter !== undefined && typeof entry.filter !== 'string') return 'filter must be a string';
    const inner = settingProblem(entry.value);
    if (inner) return inner;
  }
  return null;
}

/** Every scalar a setting can produce (to check kinds and ranges up front). */
export function settingLeaves(setting: unknown): unknown[] {
  if (!Array.isArray(setting)) return [setting];
  return setting.flatMap((e) => (isCondition(e) ? settingLeaves(e.value) : [e]));
}

/** The value of a setting for one tensor at layer position t; undefined when no condition applies. */
export function evaluateSetting(
  setting: TParameterSetting,
  tensorName: string,
  t: number,
): number | boolean | undefined {
  if (!Array.isArray(setting)) return setting;
  if (setting.every((e) => typeof e === 'number')) {
    const values = setting as number[];
    const scaled = t * (values.length - 1);
    const i0 = Math.floor(scaled);
    const i1 = Math.min(values.length - 1, i0 + 1);
    const frac = scaled - i0;
    return (1 - frac) * (values[i0] as number) + frac * (values[i1] as number);
  }
  if (setting.every((e) => typeof e === 'number' || typeof e === 'boolean')) {
    return setting[Math.floor(t * (setting.length - 1))] as number | boolean;
  }
  for (const entry of setting) {
    if (!isCondition(entry)) continue;
    if (
      entry.filter === undefined ||
      entry.filter === '*' ||
      (tensorName !== '' && tensorName.includes(entry.filter))
    ) {
      return evaluateSetting(entry.value, tensorName, t);
    }
  }
  return undefined;
}

/** Position of a tensor along the encoder for gradients: i / (N − 1) for layer i, 0 elsewhere. */
export function layerPosition(tensorName: string, numLayers: number): number {
  const match = /(?:^|\.)layer\.(\d+)\./.exec(tensorName);
  if (!match) return 0;
  if (numLayers <= 1) return 1;
  return Math.min(1, Number(match[1]) / (numLayers - 1));
}
