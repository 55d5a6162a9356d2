import { describe, expect, it } from 'vitest';
import { checkCompatibility, type DatasetFacts, fittingMaxLength, type ModelFacts } from './compatibility.ts';

const base: ModelFacts = {
  id: 'm1',
  name: 'tiny',
  kind: 'base',
  task: null,
  numLabels: null,
  hasTokenizer: true,
  maxPositions: 64,
};
const reg: DatasetFacts = {
  id: 'd1',
  name: 'afinn',
  task: 'regression',
  status: 'ready',
  rowCount: 100,
  classCount: null,
};

describe('checkCompatibility', () => {
  it('accepts a base model on any ready dataset', () => {
    expect(checkCompatibility(base, reg, { maxLength: 32 })).toEqual([]);
  });
  it('refuses a classification head on a regression dataset', () => {
    const tuned = { ...base, kind: 'finetuned', task: 'classification', numLabels: 3 };
    expect(checkCompatibility(tuned, reg, { maxLength: 32 }).join()).toMatch(
      /classification head .* regression/,
    );
  });
  it('refuses a class-count mismatch, a missing tokenizer and a too long max length', () => {
    const tuned = { ...base, kind: 'finetuned', task: 'classification', numLabels: 3, hasTokenizer: false };
    const cls = { ...reg, task: 'classification', classCount: 5 };
    const problems = checkCompatibility(tuned, cls, { maxLength: 128 });
    expect(problems).toHaveLength(3);
    expect(problems.join()).toMatch(/3 classes .* 5/);
    expect(problems.join()).toMatch(/no tokenizer/);
    expect(problems.join()).toMatch(/exceeds the model's 64/);
  });
});

describe('fittingMaxLength', () => {
  it('shortens the default to the model positions and keeps it otherwise', () => {
    expect(fittingMaxLength(64, 128)).toBe(64);
    expect(fittingMaxLength(512, 128)).toBe(128);
    expect(fittingMaxLength(null, 128)).toBe(128);
  });
});
