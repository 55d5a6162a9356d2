import { describe, expect, it } from 'vitest';
import { buildHeatmap, cellColor, similarityColor } from './heatmap.ts';

const change = (relative: number, effectiveRank: number | null) => ({
  norm: 1,
  relative,
  changedShare: 0.5,
  effectiveRank,
});

describe('analysis heatmap', () => {
  it('lays groups out as layers × modules in model order with gaps', () => {
    const groups = [
      { layer: 'embeddings', module: 'embeddings' as const, changes: [change(0.1, 3)] },
      { layer: 'embeddings', module: 'layernorm' as const, changes: [change(0.2, null)] },
      { layer: 'layer 0', module: 'attention.query' as const, changes: [change(0.4, 5)] },
      { layer: 'layer 0', module: 'layernorm' as const, changes: [change(0.3, null)] },
    ];
    const map = buildHeatmap(groups, 0, 'relative');
    expect(map.layers).toEqual(['embeddings', 'layer 0']);
    expect(map.modules).toEqual(['embeddings', 'attention.query', 'layernorm']);
    expect(map.values).toEqual([
      [0.1, null, 0.2],
      [null, 0.4, 0.3],
    ]);
    expect([map.min, map.max]).toEqual([0.1, 0.4]);
    expect(buildHeatmap(groups, 0, 'effectiveRank').values[1]).toEqual([null, 5, null]);
  });

  it('colours from white (min) to blue (max), and similarity from red to blue', () => {
    expect(cellColor(0, 0, 1)).toBe('rgb(255, 255, 255)');
    expect(cellColor(1, 0, 1)).toBe('rgb(31, 95, 200)');
    expect(similarityColor(0)).toBe('rgb(255, 255, 255)');
    expect(similarityColor(1)).toBe('rgb(31, 95, 200)');
    expect(similarityColor(-1)).toBe('rgb(200, 50, 50)');
  });
});
