// Composing a dataset from others (e.g. 70 % real + 30 % synthetic): compatibility checks, per-source
// row counts and stratified seeded sampling. Pure: the caller loads the parents' rows and stores
// the result.
import { z } from 'zod';
import { zName } from '../text/index.ts';
import { DatasetError } from './errors.ts';
import type { TDatasetRowInput, TRowSource, TSplit, TTask } from './schemas.ts';
import { labelStrata, seededRandom } from './split.ts';

export const ZComposeSource = z.object({
  datasetId: z.string().min(1),
  /** Relative weight; normalised over the sources (70 and 30, or 0.7 and 0.3, mean the same). */
  ratio: z.number().positive('ratio must be positive').finite(),
});

/** Body of POST /api/datasets/compose. */
export const ZComposeSpec = z
  .object({
    name: zName(200),
    sources: z.array(ZComposeSource).min(2, 'pick at least two datasets'),
    /** Total rows; absent means as many as the ratios allow. */
    size: z.number().int().positive().optional(),
    seed: z.number().int().default(42),
  })
  .superRefine((spec, ctx) => {
    const ids = spec.sources.map((source) => source.datasetId);
    if (new Set(ids).size !== ids.length) {
      ctx.addIssue({ code: 'custom', path: ['sources'], message: 'each dataset can be picked only once' });
    }
  });
export type TComposeSpec = z.infer<typeof ZComposeSpec>;
export type TComposeSpecInput = z.input<typeof ZComposeSpec>;

/** Stored in Dataset.parents: how a composed dataset was made, enough to make it again. */
export const ZDatasetLineage = z.object({
  seed: z.number().int(),
  /** The requested size, or null for "as large as possible". */
  requestedSize: z.number().int().nullable(),
  sources: z.array(
    z.object({
      datasetId: z.string(),
      name: z.string(),
      /** Normalised ratio (the ratios sum to 1). */
      ratio: z.number(),
      /** Rows taken from this parent, and how many it had. */
      rows: z.number().int(),
      available: z.number().int(),
      bySource: z.object({ real: z.number().int(), synthetic: z.number().int() }),
    }),
  ),
});
export type TDatasetLineage = z.infer<typeof ZDatasetLineage>;

export type TDatasetOrigin = 'real' | 'synthetic' | 'mixed';

/** What composition needs to know about a parent dataset (its rows come separately). */
export interface TComposeParent {
  id: string;
  name: string;
  task: TTask;
  status: string;
  origin: TDatasetOrigin;
  labelMin: number | null;
  labelMax: number | null;
  classes: string[] | null;
  tolerance: number;
  rowCount: number;
}

export interface TComposeLabelSpace {
  task: TTask;
  classes: string[] | null;
  labelMin: number | null;
  labelMax: number | null;
}

const incompatible = (message: string) => new DatasetError('incompatible_datasets', message);
const range = (p: TComposeParent) => `labels ${p.labelMin} – ${p.labelMax}`;

/**
 * Refuses parents that cannot be mixed: not ready, different tasks, different class sets, or
 * regression ranges on different scales. Ranges may differ a little (a stored range is often the
 * observed min/max) but must overlap and each cover at least half of their union: 0–6 with 1–5
 * composes (as 0–6); 0–1 with 0–100, or 0–5 with 6–10, does not.
 */
export function checkComposable(parents: readonly TComposeParent[]): TComposeLabelSpace {
  const [first] = parents;
  if (!first || parents.length < 2) throw incompatible('Pick at least two datasets to compose');
  for (const parent of parents) {
    if (parent.status !== 'ready') {
      throw incompatible(`${parent.name} is not ready (status ${parent.status}); wait for its profile`);
    }
  }
  for (const parent of parents) {
    if (parent.task !== first.task) {
      throw incompatible(
        `Cannot compose ${first.name} (${first.task}) with ${parent.name} (${parent.task}): the tasks differ`,
      );
    }
  }
  if (first.task === 'classification') {
    const names = new Set(first.classes ?? []);
    for (const parent of parents.slice(1)) {
      const other = new Set(parent.classes ?? []);
      const missing = [...names].filter((name) => !other.has(name));
      const extra = [...other].filter((name) => !names.has(name));
      if (missing.length > 0 || extra.length > 0) {
        const what = [
          extra.length > 0 ? `${parent.name} has ${extra.join(', ')} that ${first.name} lacks` : '',
          missing.length > 0 ? `${parent.name} lacks ${missing.join(', ')}` : '',
        ].filter(Boolean);
        throw incompatible(
          `Cannot compose ${first.name} (classes ${[...names].join(', ')}) with ${parent.name} (classes ${[...other].join(', ')}): ${what.join('; ')}`,
        );
      }
    }
    return { task: first.task, classes: first.classes, labelMin: first.labelMin, labelMax: first.labelMax };
  }
  for (const parent of parents) {
    if (parent.labelMin === null || parent.labelMax === null) {
      throw incompatible(`${parent.name} has no label range; it cannot be composed`);
    }
  }
  const low = Math.min(...parents.map((p) => p.labelMin as number));
  const high = Math.max(...parents.map((p) => p.labelMax as number));
  const narrow = (p: TComposeParent) =>
    high > low && ((p.labelMax as number) - (p.labelMin as number)) / (high - low) < 0.5;
  // Pairs in the order given, so the message names the datasets as the user listed them.
  parents.forEach((a, i) => {
    for (const b of parents.slice(i + 1)) {
      const disjoint =
        (a.labelMax as number) < (b.labelMin as number) || (b.labelMax as number) < (a.labelMin as number);
      if (disjoint || narrow(a) || narrow(b)) {
        throw incompatible(
          `Cannot compose ${a.name} (${range(a)}) with ${b.name} (${range(b)}): the label ranges are on different scales`,
        );
      }
    }
  });
  return { task: first.task, classes: null, labelMin: low, labelMax: high };
}

/**
 * Largest-remainder apportionment of `total` over `weights`: each share is the floor or the ceiling
 * of total·wᵢ/Σw, and the shares sum to `total`. Ties go to the earlier weight.
 * Example: allocate(10, [1, 1, 1]) → [4, 3, 3].
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const shares = exact.map((x) => Math.floor(x + 1e-9));
  let left = total - shares.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((x, i) => ({ i, rest: x - (shares[i] ?? 0) }))
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of byRemainder) {
    if (left <= 0) break;
    shares[i] = (shares[i] ?? 0) + 1;
    left -= 1;
  }
  return shares;
}

/**
 * Rows to take from each source. With no `size`, the largest total whose shares every source can
 * fill (the scarcest source relative to its ratio decides). A size some source cannot fill is refused.
 */
export function planComposition(
  sources: readonly { name: string; available: number; ratio: number }[],
  size?: number,
): number[] {
  const ratios = sources.map((source) => source.ratio);
  const sum = ratios.reduce((a, b) => a + b, 0);
  const fits = (total: number) => allocate(total, ratios).every((n, i) => n <= (sources[i]?.available ?? 0));
  let largest = Math.min(...sources.map((s) => Math.floor((s.available * sum) / s.ratio + 1e-9)));
  while (largest > 0 && !fits(largest)) largest -= 1;
  if (size === undefined) {
    if (largest <= 0)
      throw new DatasetError('invalid_options', 'The sources are too small to compose any row');
    return allocate(largest, ratios);
  }
  const counts = allocate(size, ratios);
  const short = sources.findIndex((source, i) => (counts[i] ?? 0) > source.available);
  const source = sources[short];
  if (source) {
    const percent = Math.round((source.ratio / sum) * 1000) / 10;
    throw new DatasetError(
      'invalid_options',
      `${source.name} has ${source.available} rows but ${percent}% of ${size} needs ${counts[short]}; the largest composition with these ratios has ${largest} rows`,
    );
  }
  return counts;
}

const SPLIT_ORDER: readonly TSplit[] = ['train', 'eval', 'test'];

/**
 * Takes `count` rows, stratified and seeded: quotas per label stratum (labelStrata) by largest
 * remainder, so each stratum gets its proportional share within ±1 row; inside a stratum, the
 * quota is shared over train/eval/test the same way so the parent's splits keep their proportions;
 * rows within each cell are picked by a seeded shuffle. Returned in the parent's row order.
 */
export function sampleStratified<T extends { index: number; label: number; split: TSplit }>(
  rows: readonly T[],
  count: number,
  options: { task: TTask; seed: number },
): T[] {
  if (count > rows.length) throw new RangeError(`cannot take ${count} of ${rows.length} rows`);
  const random = seededRandom(options.seed);
  const strata = labelStrata(rows, options.task);
  const groups = new Map<number, T[][]>();
  rows.forEach((row, i) => {
    const key = strata[i] ?? 0;
    let cells = groups.get(key);
    if (!cells) {
      cells = SPLIT_ORDER.map(() => []);
      groups.set(key, cells);
    }
    cells[SPLIT_ORDER.indexOf(row.split)]?.push(row);
  });
  const keys = [...groups.keys()].sort((a, b) => a - b);
  const sizes = keys.map((key) => (groups.get(key) ?? []).reduce((n, cell) => n + cell.length, 0));
  const quotas = allocate(count, sizes);
  const chosen: T[] = [];
  keys.forEach((key, k) => {
    const cells = groups.get(key) ?? [];
    const perSplit = allocate(
      quotas[k] ?? 0,
      cells.map((cell) => cell.length),
    );
    cells.forEach((cell, c) => {
      const pool = [...cell];
      // Partial Fisher–Yates: only the first n positions need to be drawn.
      const n = perSplit[c] ?? 0;
      for (let i = 0; i < n; i++) {
        const j = i + Math.floor(random() * (pool.length - i));
        [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
      }
      chosen.push(...pool.slice(0, n));
    });
  });
  return chosen.sort((a, b) => a.index - b.index);
}

export interface TComposeInput extends TComposeParent {
  rows: readonly TDatasetRowInput[];
}

export interface TComposition extends TComposeLabelSpace {
  origin: TDatasetOrigin;
  tolerance: number;
  /** Re-indexed 0..n-1, grouped by parent in the order given; split and source tags are kept. */
  rows: TDatasetRowInput[];
  lineage: TDatasetLineage;
}

/**
 * Composes a dataset from `parents` with `spec.sources[i].ratio` per parent (same order as
 * `spec.sources`). Rows keep their split (a parent's test row stays a test row, so evaluating on a
 * parent's test split is never contaminated) and their real/synthetic tag.
 */
export function composeDatasets(parents: readonly TComposeInput[], spec: TComposeSpec): TComposition {
  const space = checkComposable(parents);
  const ratioSum = spec.sources.reduce((n, source) => n + source.ratio, 0);
  const counts = planComposition(
    parents.map((parent, i) => ({
      name: parent.name,
      available: parent.rows.length,
      ratio: spec.sources[i]?.ratio ?? 0,
    })),
    spec.size,
  );
  const rows: TDatasetRowInput[] = [];
  const lineage: TDatasetLineage = { seed: spec.seed, requestedSize: spec.size ?? null, sources: [] };
  parents.forEach((parent, p) => {
    const classIndex = space.classes ? new Map(space.classes.map((name, i) => [name, i])) : null;
    // Different seeds per parent, so two parents with the same row layout are not sampled alike.
    const picked = sampleStratified(parent.rows, counts[p] ?? 0, {
      task: parent.task,
      seed: spec.seed + 7919 * p,
    });
    const bySource: Record<TRowSource, number> = { real: 0, synthetic: 0 };
    for (const row of picked) {
      bySource[row.source] += 1;
      // Same class names, possibly in another order: labels are indexes, so map them by name.
      const className = parent.classes?.[row.label];
      const label =
        classIndex && className !== undefined ? (classIndex.get(className) ?? row.label) : row.label;
      rows.push({ ...row, index: rows.length, label });
    }
    lineage.sources.push({
      datasetId: parent.id,
      name: parent.name,
      ratio: (spec.sources[p]?.ratio ?? 0) / ratioSum,
      rows: picked.length,
      available: parent.rows.length,
      bySource,
    });
  });
  const origins = new Set(parents.map((parent) => parent.origin));
  return {
    ...space,
    origin: origins.size === 1 ? (parents[0]?.origin ?? 'mixed') : 'mixed',
    tolerance: parents[0]?.tolerance ?? 1,
    rows,
    lineage,
  };
}
