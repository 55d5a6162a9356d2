import { describe, expect, it } from 'vitest';
import { fractionalEpoch } from './epoch-axis.ts';

describe('fractionalEpoch', () => {
  const ends = new Map([
    [1, 10],
    [2, 20],
  ]);

  it('spreads the steps of a whole epoch between its start and end', () => {
    expect(fractionalEpoch(5, 1, ends)).toBeCloseTo(0.5);
    expect(fractionalEpoch(10, 1, ends)).toBe(1);
    expect(fractionalEpoch(15, 2, ends)).toBeCloseTo(1.5);
  });

  it('estimates a running epoch from the previous one, or from the given length', () => {
    expect(fractionalEpoch(25, 3, ends)).toBeCloseTo(2.5);
    expect(fractionalEpoch(4, 1, new Map(), 8)).toBeCloseTo(0.5);
    expect(fractionalEpoch(4, 1, new Map())).toBe(1);
  });

  it('keeps epochs that are already fractional', () => {
    expect(fractionalEpoch(3, 0.3, ends)).toBe(0.3);
  });
});
