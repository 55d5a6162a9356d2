import { describe, expect, it } from 'vitest';
import { batchDiversity, checkTexts, jaccard, minhash, minhashSimilarity, shingles } from './checks.ts';
import {
  DEFAULT_TEMPLATE,
  expandPlan,
  floorPlan,
  labelHistogram,
  renderPrompt,
  scoreUsed,
  ZGenerationSpec,
} from './plan.ts';

const REAL = [
  { id: 'r1', text: 'I have not slept more than three hours a night for the past month and I wake at four' },
  { id: 'r2', text: 'Sleep is fine mostly, maybe I wake up once in the night but I get back to sleep' },
  { id: 'r3', text: 'My appetite is gone and I forget to eat most days, food tastes of nothing' },
  { id: 'r4', text: 'I feel tired in the afternoon but nights are ok' },
];

describe('shingle checks', () => {
  it('MinHash estimates Jaccard within its error for overlapping texts', () => {
    const a = shingles(REAL[0]?.text as string);
    const b = shingles(`${REAL[0]?.text} and then I lie there until morning comes again`);
    const exact = jaccard(a, b);
    expect(exact).toBeGreaterThan(0.4);
    expect(Math.abs(minhashSimilarity(minhash(a), minhash(b)) - exact)).toBeLessThan(0.25);
    expect(jaccard(a, shingles(REAL[2]?.text as string))).toBe(0);
  });

  it('flags a near copy of a real row, a copied few-shot example, batch duplicates and length', () => {
    const generated = [
      { id: 'g1', text: `${REAL[0]?.text}, truly`, fewShotRowIds: ['r1'] },
      {
        id: 'g2',
        text: 'Some nights I drift off and others I stare at the ceiling till dawn',
        fewShotRowIds: ['r1'],
      },
      { id: 'g3', text: 'Some nights I drift off and others I stare at the ceiling till dawn, honestly' },
      { id: 'g4', text: 'Bad.' },
    ];
    const checks = checkTexts(generated, REAL);
    expect(checks.get('g1')).toMatchObject({
      nearDuplicateOfReal: true,
      copiedFewShot: true,
      nearestReal: { rowId: 'r1' },
    });
    expect(checks.get('g2')).toMatchObject({
      nearDuplicateOfReal: false,
      copiedFewShot: false,
      duplicateOf: { textId: 'g3' },
    });
    expect(checks.get('g3')?.copiedFewShot).toBe(false);
    expect(checks.get('g4')).toMatchObject({ words: 1, lengthOutlier: true });
    expect(checks.get('g2')?.lengthOutlier).toBe(false);
  });

  it('diversity is 0 for a batch of copies and near 1 for unrelated texts', () => {
    const same = batchDiversity([REAL[0]?.text as string, REAL[0]?.text as string]);
    expect(same.diversity).toBe(0);
    const varied = batchDiversity(REAL.map((r) => r.text));
    expect(varied.diversity).toBeGreaterThan(0.9);
    expect(varied.distinct2).toBeGreaterThan(0.8);
  });
});

describe('plans and prompts', () => {
  it('renders variables and refuses unknown ones', () => {
    const text = renderPrompt(DEFAULT_TEMPLATE, {
      item: 'sleep',
      score: 5,
      scale: { '5': 'sleeps under 3 hours' },
    });
    expect(text).toContain('about sleep');
    expect(text).toContain('score of 5');
    expect(text).toContain('sleeps under 3 hours');
    const bad = ZGenerationSpec.safeParse({ plan: [{ score: 1, count: 1 }], template: 'Hi {{mood}}' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toContain('{{mood}}');
  });

  it('expands a plan and builds a floor plan from the histogram', () => {
    expect(
      expandPlan([
        { item: 'sleep', score: 5, count: 2 },
        { item: 'sleep', score: 6, count: 1 },
      ]).map((p) => p.score),
    ).toEqual([5, 5, 6]);
    const hist = labelHistogram([
      { item: 'sleep', label: 0, source: 'real' },
      { item: 'sleep', label: 0, source: 'real' },
      { item: 'sleep', label: 1, source: 'synthetic' },
      { item: 'mood', label: 2, source: 'real' },
    ]);
    expect(hist).toEqual([
      { item: 'mood', label: 2, real: 1, synthetic: 0 },
      { item: 'sleep', label: 0, real: 2, synthetic: 0 },
      { item: 'sleep', label: 1, real: 0, synthetic: 1 },
    ]);
    expect(floorPlan(hist, 2, { min: 0, max: 2 })).toEqual([
      { item: 'mood', score: 0, count: 2 },
      { item: 'mood', score: 1, count: 2 },
      { item: 'mood', score: 2, count: 1 },
      { item: 'sleep', score: 1, count: 1 },
      { item: 'sleep', score: 2, count: 2 },
    ]);
    expect(scoreUsed(5, [4, 5], 'consensus')).toBe(4.5);
    expect(scoreUsed(5, [4, 5], 'target')).toBe(5);
  });
});
