import { describe, expect, it } from 'vitest';
import {
  allocate,
  assignFolds,
  checkComposable,
  composeDatasets,
  DatasetError,
  planComposition,
  sampleStratified,
  type TComposeInput,
  type TComposeParent,
  type TDatasetRowInput,
  type TSplit,
  ZComposeSpec,
} from './index.ts';

const SPLITS: TSplit[] = [
  'train',
  'train',
  'train',
  'train',
  'train',
  'train',
  'train',
  'train',
  'eval',
  'test',
];

/** `counts[label]` rows of each label, splits cycling 8/1/1 so every stratum has all three. */
function rows(counts: number[], source: 'real' | 'synthetic' = 'real'): TDatasetRowInput[] {
  const out: TDatasetRowInput[] = [];
  counts.forEach((n, label) => {
    for (let i = 0; i < n; i++) {
      out.push({
        index: out.length,
        text: `${source} ${label} #${i}`,
        label,
        labelText: null,
        split: SPLITS[i % SPLITS.length] ?? 'train',
        source,
      });
    }
  });
  return out;
}

function parent(overrides: Partial<TComposeParent> & { rows: TDatasetRowInput[] }): TComposeInput {
  return {
    id: overrides.name ?? 'p',
    name: 'p',
    task: 'regression',
    status: 'ready',
    origin: 'real',
    labelMin: 0,
    labelMax: 6,
    classes: null,
    tolerance: 1,
    rowCount: overrides.rows.length,
    ...overrides,
  };
}

function histogram(list: readonly { label: number }[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const row of list) out[row.label] = (out[row.label] ?? 0) + 1;
  return out;
}

function refusal(fn: () => unknown): DatasetError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DatasetError) return error;
    throw error;
  }
  throw new Error('expected a DatasetError, got success');
}

describe('allocate', () => {
  it('splits by largest remainder, ties to the earlier weight', () => {
    expect(allocate(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(allocate(200, [0.7, 0.3])).toEqual([140, 60]);
    expect(allocate(7, [70, 30])).toEqual([5, 2]);
    expect(allocate(0, [1, 2])).toEqual([0, 0]);
  });
});

describe('planComposition', () => {
  const sources = [
    { name: 'real', available: 100, ratio: 70 },
    { name: 'synthetic', available: 100, ratio: 30 },
  ];

  it('takes exact counts for a given size', () => {
    expect(planComposition(sources, 100)).toEqual([70, 30]);
  });

  it('as large as possible: the scarcest source relative to its ratio decides', () => {
    // 100 / 0.7 = 142.86 → 142 rows: 99.4 and 42.6 → 99 and 43.
    expect(planComposition(sources)).toEqual([99, 43]);
  });

  it('refuses a size a source cannot fill, naming it and the largest possible size', () => {
    const error = refusal(() => planComposition(sources, 200));
    expect(error.code).toBe('invalid_options');
    expect(error.message).toBe(
      'real has 100 rows but 70% of 200 needs 140; the largest composition with these ratios has 142 rows',
    );
  });
});

describe('sampleStratified', () => {
  const data = rows([60, 30, 10]);

  it('keeps each stratum at its proportional share within one row', () => {
    expect(histogram(sampleStratified(data, 50, { task: 'classification', seed: 1 }))).toEqual({
      0: 30,
      1: 15,
      2: 5,
    });
    // 33 of 100: exact shares 19.8, 9.9, 3.3 → 19, 9, 3 plus the two largest remainders (1 then 0).
    const taken = sampleStratified(data, 33, { task: 'classification', seed: 1 });
    expect(histogram(taken)).toEqual({ 0: 20, 1: 10, 2: 3 });
  });

  it('keeps split proportions inside each stratum', () => {
    const taken = sampleStratified(data, 50, { task: 'classification', seed: 3 });
    const ofClass0 = taken.filter((row) => row.label === 0);
    // Class 0 has 48 train, 6 eval, 6 test; half of it is 24, 3, 3.
    expect(ofClass0.filter((row) => row.split === 'train')).toHaveLength(24);
    expect(ofClass0.filter((row) => row.split === 'eval')).toHaveLength(3);
    expect(ofClass0.filter((row) => row.split === 'test')).toHaveLength(3);
  });

  it('is deterministic per seed and differs between seeds', () => {
    const pick = (seed: number) =>
      sampleStratified(data, 40, { task: 'classification', seed }).map((row) => row.index);
    expect(pick(7)).toEqual(pick(7));
    expect(pick(7)).not.toEqual(pick(8));
    expect(new Set(pick(7)).size).toBe(40);
  });
});

describe('composeDatasets', () => {
  const real = parent({ id: 'r', name: 'real', rows: rows([10, 10, 10, 10, 10, 10, 10]) });
  const synthetic = parent({
    id: 's',
    name: 'synthetic',
    origin: 'synthetic',
    labelMin: 1,
    labelMax: 5,
    rows: rows([0, 20, 10, 10, 10, 0, 0], 'synthetic'),
  });

  it('takes exact counts per source, stratified, with lineage and source tags', () => {
    const spec = ZComposeSpec.parse({
      name: 'mix',
      sources: [
        { datasetId: 'r', ratio: 70 },
        { datasetId: 's', ratio: 30 },
      ],
      size: 60,
      seed: 5,
    });
    const result = composeDatasets([real, synthetic], spec);
    expect(result.rows).toHaveLength(60);
    expect(result.rows.map((row) => row.index)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    const fromReal = result.rows.filter((row) => row.source === 'real');
    const fromSynthetic = result.rows.filter((row) => row.source === 'synthetic');
    expect(fromReal).toHaveLength(42);
    expect(fromSynthetic).toHaveLength(18);
    // 42 of 70 evenly over 7 labels = 6 each; 18 of 50 with shares 0.4/0.2/0.2/0.2 = 7.2, 3.6 ×3 → 7, 4, 4, 3.
    expect(histogram(fromReal)).toEqual({ 0: 6, 1: 6, 2: 6, 3: 6, 4: 6, 5: 6, 6: 6 });
    expect(histogram(fromSynthetic)).toEqual({ 1: 7, 2: 4, 3: 4, 4: 3 });
    expect(result.origin).toBe('mixed');
    expect([result.labelMin, result.labelMax]).toEqual([0, 6]);
    expect(result.lineage).toEqual({
      seed: 5,
      requestedSize: 60,
      sources: [
        {
          datasetId: 'r',
          name: 'real',
          ratio: 0.7,
          rows: 42,
          available: 70,
          bySource: { real: 42, synthetic: 0 },
        },
        {
          datasetId: 's',
          name: 'synthetic',
          ratio: 0.3,
          rows: 18,
          available: 50,
          bySource: { real: 0, synthetic: 18 },
        },
      ],
    });
    expect(composeDatasets([real, synthetic], spec).rows).toEqual(result.rows);
  });

  it('keeps the common origin and maps classes given in another order by name', () => {
    const a = parent({
      id: 'a',
      name: 'a',
      task: 'classification',
      classes: ['neg', 'pos'],
      rows: rows([4, 4]),
    });
    const b = parent({
      id: 'b',
      name: 'b',
      task: 'classification',
      classes: ['pos', 'neg'],
      rows: rows([4, 0]),
    });
    const spec = ZComposeSpec.parse({
      name: 'ab',
      sources: [
        { datasetId: 'a', ratio: 1 },
        { datasetId: 'b', ratio: 1 },
      ],
    });
    const result = composeDatasets([a, b], spec);
    expect(result.origin).toBe('real');
    expect(result.classes).toEqual(['neg', 'pos']);
    // b's rows are all "pos" (its label 0), which is label 1 in a's order.
    expect(result.rows.slice(4).map((row) => row.label)).toEqual([1, 1, 1, 1]);
    expect(result.rows).toHaveLength(8);
  });
});

describe('checkComposable refusals name the datasets and the mismatch', () => {
  const base = { rows: [] as TDatasetRowInput[] };

  it('different tasks', () => {
    const error = refusal(() =>
      checkComposable([
        parent({ ...base, name: 'ratings' }),
        parent({ ...base, name: 'topics', task: 'classification', classes: ['a', 'b'] }),
      ]),
    );
    expect(error.code).toBe('incompatible_datasets');
    expect(error.message).toBe(
      'Cannot compose ratings (regression) with topics (classification): the tasks differ',
    );
  });

  it('different classes', () => {
    const error = refusal(() =>
      checkComposable([
        parent({ ...base, name: 'a', task: 'classification', classes: ['neg', 'pos'] }),
        parent({ ...base, name: 'b', task: 'classification', classes: ['neg', 'neutral', 'pos'] }),
      ]),
    );
    expect(error.message).toBe(
      'Cannot compose a (classes neg, pos) with b (classes neg, neutral, pos): b has neutral that a lacks',
    );
  });

  it('label ranges on different scales, but not ranges that nearly agree', () => {
    const error = refusal(() =>
      checkComposable([
        parent({ ...base, name: 'stars', labelMin: 0, labelMax: 6 }),
        parent({ ...base, name: 'probability', labelMin: 0, labelMax: 1 }),
      ]),
    );
    expect(error.message).toBe(
      'Cannot compose stars (labels 0 – 6) with probability (labels 0 – 1): the label ranges are on different scales',
    );
    expect(() =>
      checkComposable([
        parent({ ...base, name: 'low', labelMin: 0, labelMax: 5 }),
        parent({ ...base, name: 'high', labelMin: 6, labelMax: 10 }),
      ]),
    ).toThrow(/low \(labels 0 – 5\) with high \(labels 6 – 10\)/);
    expect(
      checkComposable([
        parent({ ...base, name: 'x', labelMin: 0, labelMax: 6 }),
        parent({ ...base, name: 'y', labelMin: 1, labelMax: 5 }),
      ]),
    ).toMatchObject({ labelMin: 0, labelMax: 6 });
  });

  it('a parent that is not ready, and fewer than two parents', () => {
    expect(() =>
      checkComposable([parent({ ...base, name: 'a' }), parent({ ...base, name: 'b', status: 'profiling' })]),
    ).toThrow('b is not ready (status profiling); wait for its profile');
    expect(() => checkComposable([parent({ ...base, name: 'a' })])).toThrow('at least two');
  });

  it('the same dataset twice is refused by the request schema', () => {
    const parsed = ZComposeSpec.safeParse({
      name: 'x',
      sources: [
        { datasetId: 'a', ratio: 1 },
        { datasetId: 'a', ratio: 1 },
      ],
    });
    expect(parsed.success).toBe(false);
  });
});

describe('assignFolds', () => {
  const data = rows([13, 7, 5]);

  it('balances fold sizes within one row, and each stratum within one row', () => {
    const folds = assignFolds(data, { task: 'classification', k: 4, seed: 11 });
    const sizes = [0, 1, 2, 3].map((f) => folds.filter((x) => x === f).length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(25);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    for (const label of [0, 1, 2]) {
      const perFold = [0, 1, 2, 3].map(
        (f) => data.filter((row, i) => row.label === label && folds[i] === f).length,
      );
      expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1);
    }
  });

  it('is deterministic per seed, changes with the seed, and refuses k < 2', () => {
    const run = (seed: number) => assignFolds(data, { task: 'classification', k: 5, seed });
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
    expect(() => assignFolds(data, { task: 'classification', k: 1, seed: 1 })).toThrow('k must be');
  });
});
