// What a generation run is asked to do: the plan (which scores of which item, how many texts each),
// the prompt template and its variables, and the label histogram / floor plan that finds the
// scarce scores. An "item" is an optional name string (a questionnaire item such as "sleep"); a
// dataset without items uses null throughout.
import { z } from 'zod';
import { InputError } from '../errors/index.ts';

export const ZPlanEntry = z
  .object({
    item: z.string().trim().min(1).max(100).nullable().default(null),
    score: z.number().finite(),
    count: z.number().int().min(1).max(1000),
  })
  .strict();
export type TPlanEntry = z.infer<typeof ZPlanEntry>;

export const DEFAULT_TEMPLATE =
  'Write one short first-person interview answer, as a patient would say it, about {{item}}. ' +
  'It should deserve a score of {{score}} on a scale where {{score}} means: {{scale}}. ' +
  'Reply with the answer only.';

export const TEMPLATE_VARIABLES = ['item', 'score', 'scale'] as const;

export const ZGenerationSpec = z
  .object({
    plan: z.array(ZPlanEntry).min(1, 'the plan has no entries').max(100),
    template: z.string().trim().min(1, 'the prompt template is empty').max(20_000),
    system: z.string().max(20_000).optional(),
    /** Wording of each score on the scale ("5": "severe: sleeps under 3 hours"). */
    scale: z.record(z.string(), z.string().max(2_000)).default({}),
    /** Few-shot examples per prompt, drawn from real rows with the same label (0 = none). */
    fewShot: z.number().int().min(0).max(10).default(0),
    temperature: z.number().min(0).max(2).default(0.9),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(1),
    maxTokens: z.number().int().min(1).max(8_000).default(400),
    /** Reviews each text needs before it settles (2 = double review). */
    reviews: z.number().int().min(1).max(3).default(1),
  })
  .strict()
  .superRefine((spec, ctx) => {
    const total = spec.plan.reduce((s, e) => s + e.count, 0);
    if (total > 5_000)
      ctx.addIssue({
        code: 'custom',
        path: ['plan'],
        message: `the plan asks for ${total} texts; at most 5000 per run`,
      });
    for (const name of templateVariables(spec.template))
      if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name))
        ctx.addIssue({
          code: 'custom',
          path: ['template'],
          message: `unknown variable {{${name}}}; use ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(', ')}`,
        });
  });
export type TGenerationSpec = z.infer<typeof ZGenerationSpec>;

export function templateVariables(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)].map((m) => m[1] as string);
}

/** Fills {{item}}, {{score}}, {{scale}}; an unknown variable is an InputError naming it. */
export function renderPrompt(
  template: string,
  vars: { item: string | null; score: number; scale: Record<string, string> },
): string {
  return template.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, name: string) => {
    if (name === 'item') return vars.item ?? 'the topic';
    if (name === 'score') return String(vars.score);
    if (name === 'scale') return vars.scale[String(vars.score)] ?? `score ${vars.score}`;
    throw new InputError(`prompt template: unknown variable {{${name}}}`);
  });
}

/** One text to generate, in plan order; `index` is its position in the run. */
export interface TPlannedText {
  index: number;
  item: string | null;
  score: number;
}

export function expandPlan(plan: readonly TPlanEntry[]): TPlannedText[] {
  const out: TPlannedText[] = [];
  for (const e of plan)
    for (let i = 0; i < e.count; i++) out.push({ index: out.length, item: e.item, score: e.score });
  return out;
}

export interface THistogramRow {
  item: string | null;
  label: number;
  real: number;
  synthetic: number;
}

/** Rows per (item, label) and source, sorted by item then label. */
export function labelHistogram(
  rows: readonly { item?: string | null; label: number; source: string }[],
): THistogramRow[] {
  const map = new Map<string, THistogramRow>();
  for (const r of rows) {
    const item = r.item ?? null;
    const key = `${item ?? ''}\u0000${r.label}`;
    let row = map.get(key);
    if (!row) {
      row = { item, label: r.label, real: 0, synthetic: 0 };
      map.set(key, row);
    }
    if (r.source === 'synthetic') row.synthetic++;
    else row.real++;
  }
  return [...map.values()].sort((a, b) => (a.item ?? '').localeCompare(b.item ?? '') || a.label - b.label);
}

/**
 * The plan that brings every bin up to `floor` rows: for each item, each integer score of the
 * range [min, max] (or each label seen when no range is given) with fewer rows gets the difference.
 * `items` (multi-item scales) names every item with its own range, so an item without a single
 * row still gets a plan; without it the items are the histogram's, all with `range`.
 */
export function floorPlan(
  histogram: readonly THistogramRow[],
  floor: number,
  range?: { min: number; max: number } | null,
  items?: readonly { name: string; range: { min: number; max: number } | null }[],
): TPlanEntry[] {
  const scope: { item: string | null; range: { min: number; max: number } | null | undefined }[] =
    items?.length
      ? items.map((i) => ({ item: i.name, range: i.range ?? range }))
      : [...new Set(histogram.map((h) => h.item))].map((item) => ({ item, range }));
  if (scope.length === 0) scope.push({ item: null, range });
  const plan: TPlanEntry[] = [];
  for (const { item, range: r } of scope) {
    const rows = histogram.filter((h) => h.item === item);
    const labels =
      r && Number.isFinite(r.min) && Number.isFinite(r.max) && r.max - r.min <= 100
        ? Array.from({ length: Math.floor(r.max) - Math.ceil(r.min) + 1 }, (_, i) => Math.ceil(r.min) + i)
        : [...new Set(rows.map((row) => row.label))].sort((a, b) => a - b);
    for (const label of labels) {
      const have = rows
        .filter((row) => row.label === label)
        .reduce((s, row) => s + row.real + row.synthetic, 0);
      if (have < floor) plan.push({ item, score: label, count: Math.min(1000, floor - have) });
    }
  }
  return plan;
}

/** The score a reviewed text carries into a dataset: its target, or the reviewers' mean. */
export type TScoreChoice = 'target' | 'consensus';

export function scoreUsed(target: number, reviewerScores: readonly number[], choice: TScoreChoice): number {
  if (choice === 'target' || reviewerScores.length === 0) return target;
  return reviewerScores.reduce((s, v) => s + v, 0) / reviewerScores.length;
}

/** Two reviewer scores disagree when they differ by more than `tolerance` (the dataset's k). */
export function disagrees(scores: readonly number[], tolerance: number): boolean {
  if (scores.length < 2) return false;
  return Math.max(...scores) - Math.min(...scores) > tolerance;
}
