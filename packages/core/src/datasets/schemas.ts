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
    /**
     * Multi-item scale, wide shape: one label column per item (the items are these columns, in
     * this order); an empty cell masks that item for the row. Regression only.
     */
    labelColumns: z.array(z.string().min(1)).min(2).optional(),
    /**
     * Multi-item scale, long shape: each row is a segment for the item named in this column, scored
     * in `labelColumn`. Regression only.
     */
    itemColumn: z.string().min(1).optional(),
    /** Multi-item: item names in output order (long shape: default the column's values, sorted). */
    items: z.array(z.string().min(1)).min(2).optional(),
    /** Multi-item: a label range per item name (else labelMin/labelMax, the same for all). */
    itemRanges: z.record(z.string(), z.tuple([z.number().finite(), z.number().finite()])).optional(),
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
    if (spec.labelColumns && spec.itemColumn) {
      ctx.addIssue({
        code: 'custom',
        path: ['itemColumn'],
        message: 'choose one shape: several label columns (wide) or an item column (long)',
      });
    }
    if ((spec.labelColumns || spec.itemColumn) && spec.task !== 'regression') {
      ctx.addIssue({
        code: 'custom',
        path: ['task'],
        message:
          'multi-item scales are regression (classes per item are not supported): choose regression for the items’ scores, or upload one classification dataset per item',
      });
    }
    if (spec.labelColumns && new Set(spec.labelColumns).size !== spec.labelColumns.length) {
      ctx.addIssue({ code: 'custom', path: ['labelColumns'], message: 'label columns must be unique' });
    }
    if (spec.labelColumns?.includes(spec.textColumn) || spec.itemColumn === spec.textColumn) {
      ctx.addIssue({
        code: 'custom',
        path: ['labelColumns'],
        message: 'the text column cannot be a label or item column',
      });
    }
    for (const [item, [lo, hi]] of Object.entries(spec.itemRanges ?? {})) {
      if (lo > hi)
        ctx.addIssue({
          code: 'custom',
          path: ['itemRanges', item],
          message: `item "${item}": min is greater than max`,
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

/** How a dataset holds its labels: one label, several label columns (wide), or item + label rows (long). */
export type TDatasetShape = 'single' | 'wide' | 'long';

/** The shape a spec chose. */
export function shapeOfSpec(spec: Pick<TDatasetSpec, 'labelColumns' | 'itemColumn'>): TDatasetShape {
  return spec.labelColumns ? 'wide' : spec.itemColumn ? 'long' : 'single';
}

/** A multi-item dataset's items: name and label range (stored in Dataset.items). */
export const ZDatasetItem = z.object({
  name: z.string().min(1),
  labelMin: z.number().nullable(),
  labelMax: z.number().nullable(),
});
export type TDatasetItem = z.infer<typeof ZDatasetItem>;
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
  /** Wide shape: each item's label in item order, null where the cell is empty. */
  labels?: (number | null)[];
  /** Long shape: index of the row's item. */
  item?: number;
  /** A row copied from another dataset (compose): the id of the row it first came from. */
  originRowId?: string | null;
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
  /**
   * Tokens per text (WordPiece, [CLS] and [SEP] included) against a model's max length: how much
   * truncation would drop. Present when the profile was computed with a tokenizer.
   */
  tokens: z
    .object({
      model: z.string(),
      maxLength: z.number().int(),
      quantiles: ZQuantiles,
      /** Texts longer than maxLength. */
      overMax: z.number().int(),
      /** Share of all tokens that truncation at maxLength would drop. */
      droppedShare: z.number(),
    })
    .optional(),
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
