import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.ts';
import { drawMixture, mixtureSize } from './mixture.ts';
import { cellLabel, sameCell, sweepCells } from './plan.ts';

const rows = (real: number, synthetic: number) => [
  ...Array.from({ length: real }, (_, i) => ({ id: `r${i}`, source: 'real' as const })),
  ...Array.from({ length: synthetic }, (_, i) => ({ id: `s${i}`, source: 'synthetic' as const })),
];

describe('sweepCells', () => {
  it('is fraction × seed without shares, and fraction × share × seed with them', () => {
    expect(sweepCells({ fractions: [1, 0.5], seeds: [0, 1] })).toEqual([
      { fraction: 0.5, share: null, seed: 0 },
      { fraction: 0.5, share: null, seed: 1 },
      { fraction: 1, share: null, seed: 0 },
      { fraction: 1, share: null, seed: 1 },
    ]);
    const two = sweepCells({ fractions: [0.25, 0.5, 1], shares: [0.5, 0, 0.25, 0.5], seeds: [0, 1] });
    expect(two).toHaveLength(3 * 3 * 2);
    expect(new Set(two.map((c) => `${c.fraction}/${c.share}/${c.seed}`)).size).toBe(18);
    expect(two.slice(0, 3)).toEqual([
      { fraction: 0.25, share: 0, seed: 0 },
      { fraction: 0.25, share: 0, seed: 1 },
      { fraction: 0.25, share: 0.25, seed: 0 },
    ]);
  });

  it('refuses shares outside [0, 1] and fractions outside (0, 1]', () => {
    expect(() => sweepCells({ fractions: [0.5], shares: [1.5], seeds: [0] })).toThrow(InputError);
    expect(() => sweepCells({ fractions: [0], seeds: [0] })).toThrow(/fraction 0/);
  });

  it('names a cell by what differs and matches cells to runs', () => {
    expect(cellLabel({ fraction: 0.25, share: 0.5, seed: 1 })).toBe('fraction 0.25, share 50 %, seed 1');
    expect(cellLabel({ fraction: 0.25, share: null, seed: 1 })).toBe('fraction 0.25, seed 1');
    expect(sameCell({ fraction: 1, share: null, seed: 0 }, { fraction: 1, seed: 0 })).toBe(true);
    expect(sameCell({ fraction: 1, share: 0.5, seed: 0 }, { fraction: 1, share: 0, seed: 0 })).toBe(false);
  });
});

describe('two-way training subsets', () => {
  it('sizes the grid so every share can be drawn at fraction 1', () => {
    // 0 % needs 100 real; 50 % needs 50 + 50; 75 % needs 25 real + 75 synthetic of 60: N = 80
    expect(mixtureSize({ real: 100, synthetic: 60 }, [0, 0.5, 0.75])).toBe(80);
    expect(mixtureSize({ real: 100, synthetic: 0 }, [0])).toBe(100);
    expect(mixtureSize({ real: 100, synthetic: 0 }, [0, 0.25])).toBe(0);
  });

  it('draws round(f·N) rows with the share synthetic, the same total for every share', () => {
    const all = rows(120, 60);
    const shares = [0, 0.25, 0.5];
    // N = min(120, 60/0.25 = 240, 120/0.75 = 160, 60/0.5 = 120, 120/0.5 = 240) = 120
    for (const share of shares) {
      const subset = drawMixture(all, { fraction: 0.5, share, shares, seed: 3 });
      expect(subset).toHaveLength(60);
      expect(subset.filter((r) => r.source === 'synthetic')).toHaveLength(Math.round(share * 60));
    }
  });

  it('is reproducible per seed, differs between seeds, and nests smaller fractions in larger ones', () => {
    const all = rows(200, 200);
    const cell = { share: 0.25, shares: [0, 0.25, 0.5], seed: 1 };
    const a = drawMixture(all, { ...cell, fraction: 0.5 });
    expect(drawMixture(all, { ...cell, fraction: 0.5 })).toEqual(a);
    expect(drawMixture(all, { ...cell, fraction: 0.5, seed: 2 })).not.toEqual(a);
    const quarter = drawMixture(all, { ...cell, fraction: 0.25 });
    const inA = new Set(a.map((r) => r.id));
    expect(quarter.every((r) => inA.has(r.id))).toBe(true);
  });

  it('refuses a dataset without synthetic rows for a share above 0, naming the counts', () => {
    expect(() => drawMixture(rows(50, 0), { fraction: 1, share: 0.5, shares: [0, 0.5], seed: 0 })).toThrow(
      /50 real, 0 synthetic/,
    );
  });
});
