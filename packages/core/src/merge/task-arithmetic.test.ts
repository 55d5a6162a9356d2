import { describe, expect, it } from 'vitest';
import { MERGE_METHODS, type MergeMethodName } from './methods.ts';
import { mergeTaskVectors, type TaskVectorParameters } from './task-arithmetic.ts';

/** Runs a registry method with its defaults, overriding global parameters. */
function merge(
  method: MergeMethodName,
  base: number[],
  tuned: number[][],
  params: Partial<TaskVectorParameters>[],
  overrides: { normalize?: boolean; lambda?: number; rescale?: boolean } = {},
): number[] {
  const def = MERGE_METHODS[method];
  const defaults = Object.fromEntries(def.parameters.map((p) => [p.name, p.defaultValue]));
  const out = mergeTaskVectors(
    Float32Array.from(base),
    tuned.map((t) => Float32Array.from(t)),
    params.map((p) => ({ weight: 1, density: 1, ...p })),
    {
      ...(def.recipe ?? { sparsification: null, consensus: null }),
      normalize: overrides.normalize ?? (defaults.normalize as boolean),
      lambda: overrides.lambda ?? (defaults.lambda as number),
      rescale: overrides.rescale ?? (defaults.rescale as boolean),
    },
  );
  return [...out];
}

describe('task arithmetic', () => {
  it('adds λ·Σ w·Δ without normalising by default', () => {
    // Δa = [1, −2], Δb = [2, 2]; 1·Δa + 0.5·Δb = [2, −1]; λ = 2 → [4, −2].
    expect(
      merge(
        'task_arithmetic',
        [10, 10],
        [
          [11, 8],
          [12, 12],
        ],
        [{ weight: 1 }, { weight: 0.5 }],
        { lambda: 2 },
      ),
    ).toEqual([14, 8]);
  });

  it('normalises by Σw when asked, and not when Σw is ~0', () => {
    expect(
      merge('task_arithmetic', [0], [[3], [1]], [{ weight: 1 }, { weight: 3 }], { normalize: true }),
    ).toEqual([1.5]);
    expect(
      merge('task_arithmetic', [0], [[3], [1]], [{ weight: 1 }, { weight: -1 }], { normalize: true }),
    ).toEqual([2]);
  });
});

describe('ties', () => {
  it('elects the sign of the weighted sum and averages the agreeing weighted deltas', () => {
    // Entry 0: τ = [2, −1] → Σ = 1 ≥ 0, only +2 agrees: 2/1 = 2.
    // Entry 1: τ = [−3, 1·0.5] with w = [1, 0.5] → Σ = −2.5 < 0, −3 agrees: −3/1 = −3.
    // Entry 2: τ = [1, 0.5·2] → both agree: (1 + 1)/(1 + 0.5) = 4/3.
    const out = merge(
      'ties',
      [0, 0, 0],
      [
        [2, -3, 1],
        [-2, 1, 2],
      ],
      [{ weight: 1 }, { weight: 0.5 }],
    );
    expect(out[0]).toBe(2);
    expect(out[1]).toBe(-3);
    expect(out[2]).toBeCloseTo(4 / 3, 6);
  });

  it('keeps the all-negative consensus and counts a zero sum as positive', () => {
    expect(
      merge(
        'ties',
        [1, 1],
        [
          [0, 1],
          [-1, 1],
        ],
        [{}, {}],
      ),
    ).toEqual([-0.5, 1]);
    // τ = [1, −1]: Σ = 0 → sign +, only +1 agrees.
    expect(merge('ties', [0], [[1], [-1]], [{}, {}])).toEqual([1]);
  });

  it('leaves zero deltas (and pruned entries) out of the vote and the divisor', () => {
    // Δa = [0, 4], Δb = [2, 0]: each entry has one non-zero vote → divisor 1, no averaging with 0.
    expect(
      merge(
        'ties',
        [5, 5],
        [
          [5, 9],
          [7, 5],
        ],
        [{}, {}],
      ),
    ).toEqual([7, 9]);
  });

  it('trims each task vector by magnitude before the vote, then applies λ', () => {
    // Δa = [4, −1, 2, 0.5] at density 0.5 → [4, 0, 2, 0]; Δb = [−1, −1, −1, −1] at density 1.
    // Entry 0: Σ = 3 → +, 4/1 = 4. Entry 1: only −1 from b → −1. Entry 2: 2. Entry 3: −1.
    const out = merge(
      'ties',
      [0, 0, 0, 0],
      [
        [4, -1, 2, 0.5],
        [-1, -1, -1, -1],
      ],
      [{ density: 0.5 }, { density: 1 }],
      {
        lambda: 0.5,
      },
    );
    expect(out).toEqual([2, -0.5, 1, -0.5]);
  });

  it('equals task arithmetic at density 1 when all signs agree and normalize is off', () => {
    const base = [0.1, -0.2, 0.3];
    const tuned = [
      [0.2, -0.3, 0.5],
      [0.15, -0.25, 0.4],
    ];
    const params = [{ weight: 0.6 }, { weight: 0.4 }];
    const ties = merge('ties', base, tuned, params, { normalize: false });
    const ta = merge('task_arithmetic', base, tuned, params);
    ties.forEach((x, i) => {
      expect(x).toBeCloseTo(ta[i] as number, 7);
    });
  });
});

describe('dare', () => {
  it('dare_linear is reproducible and rescales each vector to its L1 norm', () => {
    const base = new Array(100).fill(0);
    const tuned = [base.map((_, i) => (i % 7) - 3)];
    const a = merge('dare_linear', base, tuned, [{ density: 0.4, seed: 5 }]);
    const b = merge('dare_linear', base, tuned, [{ density: 0.4, seed: 5 }]);
    expect(a).toEqual(b);
    const l1 = (v: number[]) => v.reduce((s, x) => s + Math.abs(x), 0);
    expect(l1(a)).toBeCloseTo(l1(tuned[0] as number[]), 4);
    expect(a.filter((x) => x !== 0).length).toBeLessThan(70);
  });

  it('dare_ties at density 1 equals ties without normalisation', () => {
    const base = [0, 0, 0];
    const tuned = [
      [1, -2, 3],
      [-2, -1, 1],
    ];
    expect(merge('dare_ties', base, tuned, [{}, {}])).toEqual(
      merge('ties', base, tuned, [{}, {}], { normalize: false }),
    );
  });
});
