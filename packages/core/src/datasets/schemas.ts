import { z } from 'zod';
import { zName } from '../text/index.ts';

export const ZDatasetFormat = z.enum(['csv', 'tsv', 'jsonl']);
export type TDatasetFormat = z.infer<typeof ZDatasetFormat>;
export const ZTask = z.enum(['regression', 'classification']);
export type TTask = z.infer<typeof ZTask>;
export const ZSplit = z.enum(['train', 'eval', 'test']);
export type TSplit = z.infer<typeof ZSplit>;
export const ZRowSource = z.enum(['real', 'synthetic']);
export type TRowSource = z.infer<typeof ZRowSource>;

/** What the user picked after inspecting the header: the contract of the create request. */
export const ZDatasetSpec = z
  .object({
    name: zName(200),
    task: ZTask,
    textColumn: z.string().min(1, 'pick the text column'),
    labelColumn: z.string().min(1, 'pick the label column'),
    splitColumn: z.string().min(1).optional(),
    sourceColumn: z.string().min(1).optional(),
    /** Column naming the document a row is a segment of: cross-validation keeps a document in one fold. */
    groupColumn: z.string().min(1).optional(),
    /** Regression: inclusive range every label must fall in (optional; both or neither). */
    labelMin: z.number().finite().optional(),
    labelMax: z.number().finite().optional(),
    /** Classification: allowed class names in label order; inferred from the data when absent. */
    classes: z.array(z.string().min(1)).min(2).optional(),
    /** Flexible-accuracy tolerance k. */
    tolerance: z.number().nonnegative().default(1),
    /** Seed of the stratified train/eval/test split used when the file has no split column. */
    splitSeed: z.number().int().default(42),
    /** Default source of rows when there is no source column. */
    origin: ZRowSource.default('real'),
  })
  .superRefine((spec, ctx) => {
    if ((spec.labelMin === undefined) !== (spec.labelMax === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['labelMax'],
        message: 'give both labelMin and labelMax, or neither',
      });
    }
    if (spec.labelMin !== undefined && spec.labelMax !== undefined && spec.labelMin > spec.labelMax) {
      ctx.addIssue({ code: 'custom', path: ['labelMin'], message: 'labelMin is greater than labelMax' });
    }
    if (spec.textColumn === spec.labelColumn) {
      ctx.addIssue({
        code: 'custom',
        path: ['labelColumn'],
        message: 'text and label must be different columns',
      });
    }
    if (
      spec.task === 'classification' &&
      spec.classes &&
      new Set(spec.classes).size !== spec.classes.length
    ) {
      ctx.addIssue({ code: 'custom', path: ['classes'], message: 'class names must be unique' });
    }
  });
export type TDatasetSpec = z.infer<typeof ZDatasetSpec>;
export type TDatasetSpecInput = z.input<typeof ZDatasetSpec>;

/** One validated row, ready to store as a DatasetRow. */
export interface TDatasetRowInput {
  index: number;
  text: string;
  /** Regression: the value; classification: index into `classes`. */
  label: number;
  labelText: string | null;
  split: TSplit;
  source: TRowSource;
  /** The document the row belongs to (the group column's value); absent without a group column. */
  group?: string | null;
}

export const ZHistogramBin = z.object({
  /** Display label: the class name, the integer value, or "[lo, hi)". */
  label: z.string(),
  start: z.number(),
  end: z.number(),
  count: z.number().int().nonnegative(),
});

export const ZQuantiles = z.object({
  min: z.number(),
  p10: z.number(),
  p25: z.number(),
  p50: z.number(),
  p75: z.number(),
  p90: z.number(),
  max: z.number(),
  mean: z.number(),
});
export type TQuantiles = z.infer<typeof ZQuantiles>;

/** Stored in Dataset.stats by the dataset.profile job; read by the dataset page. */
export const ZDatasetProfile = z.object({
  rowCount: z.number().int(),
  task: ZTask,
  label: z.object({
    histogram: z.array(ZHistogramBin),
    min: z.number(),
    max: z.number(),
    mean: z.number(),
    std: z.number(),
  }),
  /** Per split, so a skewed split is visible. */
  labelBySplit: z.record(z.string(), z.array(ZHistogramBin)),
  textLength: z.object({
    chars: ZQuantiles,
    words: ZQuantiles,
    histogram: z.array(ZHistogramBin),
  }),
  duplicates: z.object({
    /** Rows whose exact text appeared earlier. */
    rows: z.number().int(),
    distinctTexts: z.number().int(),
    /** Duplicated texts whose labels disagree: label noise. */
    conflicting: z.number().int(),
    examples: z.array(
      z.object({ text: z.string(), count: z.number().int(), rows: z.array(z.number().int()) }),
    ),
  }),
  emptyTexts: z.number().int(),
  splits: z.object({ train: z.number().int(), eval: z.number().int(), test: z.number().int() }),
  sources: z.object({ real: z.number().int(), synthetic: z.number().int() }),
  computedAt: z.string(),
});
export type TDatasetProfile = z.infer<typeof ZDatasetProfile>;

/** Body of POST /api/datasets/:id/folds. */
export const ZAssignFoldsRequest = z.object({
  k: z.number().int().min(2, 'k must be at least 2').max(10, 'k must be at most 10'),
  seed: z.number().int().default(42),
});
export type TAssignFoldsRequest = z.infer<typeof ZAssignFoldsRequest>;

/** Stored in Dataset.folds: the k-fold assignment of the non-test rows (test rows stay held out). */
export const ZFoldAssignment = z.object({
  k: z.number().int().min(2),
  seed: z.number().int(),
  /** Rows per fold, index = fold. */
  sizes: z.array(z.number().int().nonnegative()),
});
export type TFoldAssignment = z.infer<typeof ZFoldAssignment>;
