import { describe, expect, it } from 'vitest';
import { Rng } from '../random/index.ts';
import { crossValidationFolds } from './group-folds.ts';

/** Interviews of 3–12 segments; each interview's segments share a score band (0–6), like the study. */
function interviews(count: number, seed = 1) {
  const rng = new Rng(seed);
  const rows: { label: number; group: string }[] = [];
  for (let d = 0; d < count; d++) {
    const level = rng.int(7);
    const segments = 3 + rng.int(10);
    for (let s = 0; s < segments; s++)
      rows.push({ label: Math.min(6, Math.max(0, level + rng.int(3) - 1)), group: `doc${d}` });
  }
  return rows;
}

describe('crossValidationFolds', () => {
  it('keeps every segment of one document in one fold', () => {
    const rows = interviews(60);
    const folds = crossValidationFolds(rows, { task: 'regression', k: 5, seed: 3 });
    const foldOf = new Map<string, number>();
    rows.forEach((r, i) => {
      const f = folds[i] as number;
      expect(foldOf.get(r.group) ?? f).toBe(f);
      foldOf.set(r.group, f);
    });
    expect(new Set(folds)).toEqual(new Set([0, 1, 2, 3, 4]));
    // whole documents still balance the folds: within the size of the largest document
    const sizes = [0, 1, 2, 3, 4].map((f) => folds.filter((x) => x === f).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(12);
  });

  it('is stratified: each label is spread over the folds in proportion', () => {
    const rows = interviews(120, 2);
    const folds = crossValidationFolds(rows, { task: 'regression', k: 5, seed: 0 });
    for (let label = 0; label <= 6; label++) {
      const idx = rows.flatMap((r, i) => (r.label === label ? [i] : []));
      if (idx.length < 50) continue;
      const per = [0, 1, 2, 3, 4].map((f) => idx.filter((i) => folds[i] === f).length / idx.length);
      for (const share of per) expect(Math.abs(share - 0.2)).toBeLessThan(0.1);
    }
  });

  it('without groups spreads each stratum within ±1 and sizes within ±1', () => {
    const rows = Array.from({ length: 103 }, (_, i) => ({ label: i % 3 }));
    const folds = crossValidationFolds(rows, { task: 'classification', k: 4, seed: 9 });
    const sizes = [0, 1, 2, 3].map((f) => folds.filter((x) => x === f).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    for (let c = 0; c < 3; c++) {
      const per = [0, 1, 2, 3].map((f) => rows.filter((r, i) => r.label === c && folds[i] === f).length);
      expect(Math.max(...per) - Math.min(...per)).toBeLessThanOrEqual(1);
    }
  });

  it('is reproducible from the seed, differs between seeds, and ignores groups when asked', () => {
    const rows = interviews(40);
    const a = crossValidationFolds(rows, { task: 'regression', k: 5, seed: 4 });
    expect(crossValidationFolds(rows, { task: 'regression', k: 5, seed: 4 })).toEqual(a);
    expect(crossValidationFolds(rows, { task: 'regression', k: 5, seed: 5 })).not.toEqual(a);
    const ungrouped = crossValidationFolds(rows, { task: 'regression', k: 5, seed: 4, grouped: false });
    const split = rows.some((r, i) =>
      rows.some((q, j) => q.group === r.group && ungrouped[j] !== ungrouped[i]),
    );
    expect(split).toBe(true);
  });

  it('refuses fewer documents than folds, naming both', () => {
    const rows = [0, 0, 1, 1, 2, 2].map((d, i) => ({ label: i % 2, group: `d${d}` }));
    expect(() => crossValidationFolds(rows, { task: 'classification', k: 5, seed: 0 })).toThrow(
      /3 documents cannot fill k = 5 folds/,
    );
  });
});
