// Numeric CLI flags parsed by a run contract's schema (`ZTrainParams`, `ZEvaluateParams` in
// @tunelab/core/dashboard): the defaults, ranges and names are the ones the dashboard, the HTTP API
// and the worker use. Only flags the user gave are passed, so absent ones take the schema defaults.

interface FlagSchema<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/**
 * Parses `values` (flag strings keyed by parameter name) with `schema`; `flags` names the flag of
 * each parameter for error messages ("--lr: Too big: expected number to be <=1").
 */
export function parseRunFlags<T>(
  schema: FlagSchema<T>,
  values: Record<string, string | undefined>,
  flags: Record<string, string>,
): T {
  const numbers: Record<string, number> = {};
  for (const [key, raw] of Object.entries(values)) {
    if (raw === undefined) continue;
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n))
      throw new Error(`${flags[key] ?? key} must be a number, got "${raw}"`);
    numbers[key] = n;
  }
  const parsed = schema.safeParse(numbers);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? '');
  throw new Error(`${flags[key] ?? key}: ${issue?.message ?? 'invalid value'}`);
}
