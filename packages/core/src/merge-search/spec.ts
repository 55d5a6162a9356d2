// The recipe-search config (SEARCH.yml): a base, two or more fine-tuned models (each with the
// dataset of its domain), the methods to choose among, the parameter ranges, the budget in
// evaluations and the objective. Shared by `tunelab merge-search` and the dashboard's Search.
import { parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { InputError } from '../errors/index.ts';
import { MERGE_METHOD_NAMES, MERGE_METHODS, type MergeMethodName } from '../merge/methods.ts';

export class SearchConfigError extends InputError {
  override name = 'SearchConfigError';
}

/** Methods a search can choose: a base, any number of models, tuned by weight / density / λ. */
export const SEARCHABLE_METHODS: MergeMethodName[] = MERGE_METHOD_NAMES.filter((name) => {
  const d = MERGE_METHODS[name];
  return d.needsBaseModel && !d.pairWithBase && (d.modelCount?.max ?? Infinity) >= 2;
});

const ZRange = (min: number, max: number) =>
  z
    .tuple([z.number().min(min).max(max), z.number().min(min).max(max)])
    .refine(([lo, hi]) => lo <= hi, 'a range is [low, high] with low ≤ high');

/** A domain's eval data for the CLI (the dashboard uses each model's own fine-tuning dataset). */
export const ZSearchDatasetFile = z
  .object({
    path: z.string().min(1),
    text_column: z.string().min(1).default('text'),
    label_column: z.string().min(1).default('label'),
    /** Regression: k of flexible accuracy. */
    tolerance: z.number().min(0).optional(),
    /** Regression: the label range predictions are clamped to (default: the model's own). */
    label_range: z.tuple([z.number(), z.number()]).optional(),
    max_length: z.number().int().min(4).optional(),
  })
  .strict();

export const ZSearchSpec = z
  .object({
    name: z.string().optional(),
    base_model: z.string().min(1),
    models: z
      .array(z.object({ model: z.string().min(1), dataset: ZSearchDatasetFile.optional() }).strict())
      .min(2, 'a search merges two or more fine-tuned models'),
    methods: z
      .array(z.enum(SEARCHABLE_METHODS as [MergeMethodName, ...MergeMethodName[]]))
      .min(1)
      .default(['ties']),
    /** Candidate evaluations (on the subsamples), the rescoring of the best few not counted. */
    budget: z.number().int().min(2).max(1000).default(24),
    /** Candidates per generation (default: CMA-ES's 4 + ⌊3 ln d⌋, at most the budget). */
    population: z.number().int().min(2).max(100).optional(),
    seed: z.number().int().nonnegative().default(0),
    objective: z.enum(['worst', 'mean']).default('worst'),
    /** Weighted mean: one weight per model's domain (default equal). */
    domain_weights: z.array(z.number().positive()).optional(),
    /** Weights and densities per layer group (embeddings, lower/middle/upper encoder thirds, head). */
    layer_groups: z.boolean().default(false),
    /** Rows of each eval set scored per candidate (a fixed, seeded subsample). */
    subsample: z.number().int().min(1).default(64),
    /** How many of the best candidates are rescored on the full eval sets. */
    rescore: z.number().int().min(1).max(20).default(3),
    ranges: z
      .object({
        lambda: ZRange(-100, 100).default([0.5, 2]),
        weight: ZRange(-100, 100).default([0.1, 1.5]),
        density: ZRange(0.01, 1).default([0.1, 1]),
      })
      .strict()
      .default({ lambda: [0.5, 2], weight: [0.1, 1.5], density: [0.1, 1] }),
    head_source: z.string().min(1).optional(),
    random_seed: z.number().int().nonnegative().optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.domain_weights && spec.domain_weights.length !== spec.models.length)
      ctx.addIssue({
        code: 'custom',
        path: ['domain_weights'],
        message: `give one weight per model (${spec.models.length})`,
      });
    const refs = spec.models.map((m) => m.model);
    if (new Set(refs).size !== refs.length)
      ctx.addIssue({ code: 'custom', path: ['models'], message: 'each model may appear once' });
    if (refs.includes(spec.base_model))
      ctx.addIssue({
        code: 'custom',
        path: ['models'],
        message: 'base_model is not one of the searched models',
      });
    for (const method of spec.methods) {
      const count = MERGE_METHODS[method].modelCount;
      if (count && spec.models.length < count.min)
        ctx.addIssue({
          code: 'custom',
          path: ['methods'],
          message: `${method} needs at least ${count.min} models`,
        });
    }
  });
export type TSearchSpec = z.infer<typeof ZSearchSpec>;
export type TSearchSpecInput = z.input<typeof ZSearchSpec>;

/** Parses SEARCH.yml (YAML or JSON); errors name the file and field. */
export function parseSearchSpec(text: string, source = 'search config'): TSearchSpec {
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new SearchConfigError(`${source}: invalid YAML: ${doc.errors[0]?.message ?? 'unknown error'}`);
  const parsed = ZSearchSpec.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = (issue?.path ?? []).map(String).join('.') || '(top level)';
    throw new SearchConfigError(`${source}: ${field}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** SEARCH.yml for a spec (what the dashboard's form shows and launches). */
export function searchSpecYaml(spec: TSearchSpecInput): string {
  return stringify(spec);
}
