import type { TDatasetProfile, TQuantiles, TTask } from './schemas.ts';

export interface TProfileRow {
  index: number;
  text: string;
  label: number;
  split: 'train' | 'eval' | 'test';
  source: 'real' | 'synthetic';
}

export interface TProfileOptions {
  task: TTask;
  classes?: readonly string[] | null;
  labelMin?: number | null;
  labelMax?: number | null;
}

type TBin = TDatasetProfile['label']['histogram'][number];

/**
 * Tokens per text against a model's max length (`TDatasetProfile.tokens`): quantiles, texts over
 * the limit and the share of all tokens truncation would drop. `count` gives a text's tokens,
 * [CLS] and [SEP] included (e.g. `(t) => tokenizer.encode(t, Number.MAX_SAFE_INTEGER).ids.length`).
 * @example tokenProfile(['a b c'], (t) => t.split(' ').length + 2, 4, 'tiny') // overMax 1, droppedShare 0.2
 */
export function tokenProfile(
  texts: readonly string[],
  count: (text: string) => number,
  maxLength: number,
  model: string,
): NonNullable<TDatasetProfile['tokens']> {
  const lengths = texts.map(count);
  const total = lengths.reduce((a, b) => a + b, 0);
  const dropped = lengths.reduce((a, n) => a + Math.max(0, n - maxLength), 0);
  return {
    model,
    maxLength,
    quantiles: quantiles(lengths),
    overMax: lengths.filter((n) => n > maxLength).length,
    droppedShare: total === 0 ? 0 : dropped / total,
  };
}

/**
 * Summary statistics the dataset page shows: label histogram (overall and per split), text length
 * quantiles in characters and words, exact duplicate texts (and those whose labels disagree),
 * split and source sizes.
 */
export function computeProfile(rows: readonly TProfileRow[], options: TProfileOptions): TDatasetProfile {
  const labels = rows.map((row) => row.label);
  const binner = labelBinner(labels, options);
  const histogram = (values: number[]): TBin[] => {
    const bins = binner.bins.map((bin) => ({ ...bin, count: 0 }));
    for (const value of values) {
      const bin = bins[binner.index(value)];
      if (bin) bin.count += 1;
    }
    return bins;
  };

  const labelBySplit: Record<string, TBin[]> = {};
  for (const split of ['train', 'eval', 'test'] as const) {
    labelBySplit[split] = histogram(rows.filter((row) => row.split === split).map((row) => row.label));
  }

  const chars = rows.map((row) => row.text.length);
  const words = rows.map((row) => countWords(row.text));

  const byText = new Map<string, { rows: number[]; labels: Set<number> }>();
  for (const row of rows) {
    const entry = byText.get(row.text);
    if (entry) {
      entry.rows.push(row.index);
      entry.labels.add(row.label);
    } else byText.set(row.text, { rows: [row.index], labels: new Set([row.label]) });
  }
  const duplicated = [...byText.entries()].filter(([, entry]) => entry.rows.length > 1);
  duplicated.sort((a, b) => b[1].rows.length - a[1].rows.length);

  const mean = average(labels);
  return {
    rowCount: rows.length,
    task: options.task,
    label: {
      histogram: histogram(labels),
      min: fold(labels, Math.min),
      max: fold(labels, Math.max),
      mean,
      std: Math.sqrt(average(labels.map((label) => (label - mean) ** 2))),
    },
    labelBySplit,
    textLength: {
      chars: quantiles(chars),
      words: quantiles(words),
      histogram: lengthHistogram(words),
    },
    duplicates: {
      rows: duplicated.reduce((sum, [, entry]) => sum + entry.rows.length - 1, 0),
      distinctTexts: byText.size,
      conflicting: duplicated.filter(([, entry]) => entry.labels.size > 1).length,
      examples: duplicated.slice(0, 10).map(([text, entry]) => ({
        text: text.length > 200 ? `${text.slice(0, 197)}...` : text,
        count: entry.rows.length,
        rows: entry.rows.slice(0, 20),
      })),
    },
    emptyTexts: rows.filter((row) => row.text.trim() === '').length,
    splits: {
      train: rows.filter((row) => row.split === 'train').length,
      eval: rows.filter((row) => row.split === 'eval').length,
      test: rows.filter((row) => row.split === 'test').length,
    },
    sources: {
      real: rows.filter((row) => row.source === 'real').length,
      synthetic: rows.filter((row) => row.source === 'synthetic').length,
    },
    computedAt: new Date().toISOString(),
  };
}

/**
 * Classification: one bin per class. Regression with integer labels over a small range (rating
 * scales such as 0-6): one bin per integer. Otherwise 20 equal-width bins over [min, max].
 */
function labelBinner(labels: readonly number[], options: TProfileOptions) {
  if (options.task === 'classification') {
    const classes = options.classes ?? [];
    const count = Math.max(classes.length, fold(labels, Math.max) + 1, 0);
    return {
      bins: Array.from({ length: count }, (_, i) => ({
        label: classes[i] ?? String(i),
        start: i,
        end: i + 1,
      })),
      index: (value: number) => value,
    };
  }
  const lo = Math.min(options.labelMin ?? Number.POSITIVE_INFINITY, fold(labels, Math.min));
  const hi = Math.max(options.labelMax ?? Number.NEGATIVE_INFINITY, fold(labels, Math.max));
  const integers = labels.every(Number.isInteger) && Number.isInteger(lo) && Number.isInteger(hi);
  if (integers && hi - lo <= 30) {
    return {
      bins: Array.from({ length: hi - lo + 1 }, (_, i) => ({
        label: String(lo + i),
        start: lo + i,
        end: lo + i + 1,
      })),
      index: (value: number) => value - lo,
    };
  }
  const count = 20;
  const width = hi > lo ? (hi - lo) / count : 1;
  return {
    bins: Array.from({ length: count }, (_, i) => {
      const start = lo + i * width;
      return { label: `[${round(start)}, ${round(start + width)})`, start, end: start + width };
    }),
    index: (value: number) => Math.min(count - 1, Math.floor((value - lo) / width)),
  };
}

/** Word counts in 16 equal-width bins (the last one closed). */
function lengthHistogram(words: readonly number[]): TBin[] {
  if (words.length === 0) return [];
  const max = fold(words, Math.max);
  const count = 16;
  const width = Math.max(1, Math.ceil((max + 1) / count));
  const bins = Array.from({ length: count }, (_, i) => ({
    label: `${i * width}-${(i + 1) * width - 1}`,
    start: i * width,
    end: (i + 1) * width,
    count: 0,
  }));
  for (const value of words) {
    const bin = bins[Math.min(count - 1, Math.floor(value / width))];
    if (bin) bin.count += 1;
  }
  while (bins.length > 1 && bins[bins.length - 1]?.count === 0) bins.pop();
  return bins;
}

export function countWords(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/u).length;
}

/** Quantiles by linear interpolation between closest ranks (numpy's default). */
export function quantiles(values: readonly number[]): TQuantiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => {
    if (sorted.length === 0) return 0;
    const position = (sorted.length - 1) * q;
    const lower = Math.floor(position);
    const a = sorted[lower] ?? 0;
    const b = sorted[Math.min(lower + 1, sorted.length - 1)] ?? a;
    return a + (b - a) * (position - lower);
  };
  return {
    min: at(0),
    p10: at(0.1),
    p25: at(0.25),
    p50: at(0.5),
    p75: at(0.75),
    p90: at(0.9),
    max: at(1),
    mean: average(values),
  };
}

function average(values: readonly number[]): number {
  if (values.length === 0) return 0;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

function fold(values: readonly number[], pick: (a: number, b: number) => number): number {
  if (values.length === 0) return 0;
  let result = values[0] as number;
  for (const value of values) result = pick(result, value);
  return result;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
