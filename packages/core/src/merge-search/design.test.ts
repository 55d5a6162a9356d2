import { describe, expect, it } from 'vitest';
import { spaceFillingDesign } from './design.ts';

describe('spaceFillingDesign (first generation of a recipe search)', () => {
  it('starts at the centre, then a Latin hypercube on a lattice that includes both ends of every range', () => {
    const design = spaceFillingDesign(3, 5, 0);
    expect(design).toHaveLength(5);
    expect(design[0]).toEqual([0.5, 0.5, 0.5]);
    const rest = design.slice(1);
    for (let d = 0; d < 3; d++) {
      const column = rest.map((p) => p[d] as number).sort((a, b) => a - b);
      expect(column).toEqual([0, 1 / 3, 2 / 3, 1]);
    }
  });

  it('is reproducible from its seed, differs across seeds, and handles tiny sizes', () => {
    expect(spaceFillingDesign(4, 6, 3)).toEqual(spaceFillingDesign(4, 6, 3));
    expect(spaceFillingDesign(4, 6, 3)).not.toEqual(spaceFillingDesign(4, 6, 4));
    expect(spaceFillingDesign(2, 0, 0)).toEqual([]);
    expect(spaceFillingDesign(2, 1, 0)).toEqual([[0.5, 0.5]]);
    const two = spaceFillingDesign(2, 2, 1);
    for (const v of two[1] as number[]) expect([0, 1]).toContain(v);
  });
});
