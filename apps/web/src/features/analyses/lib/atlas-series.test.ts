import { describe, expect, it } from 'vitest';
import { atlasCsv, ckaChart, conflictChart } from './atlas-series.ts';

const change = (overruled?: number) => ({
  norm: 1,
  relative: 0.1,
  changedShare: 0.5,
  effectiveRank: null,
  ...(overruled === undefined ? {} : { tiesOverruled: overruled }),
});
const layer = (name: string, conflict: number | undefined, overruled: [number, number]) => ({
  layer: name,
  module: 'all' as const,
  parameters: 10,
  changes: overruled.map(change),
  ...(conflict === undefined ? {} : { signConflict: conflict }),
});

describe('atlas series', () => {
  const report = {
    tuned: ['a', 'b'],
    layers: [
      layer('embeddings', 0.2, [0.1, 0.3]),
      layer('layer 0', 0.4, [0.2, 0.1]),
      layer('head', 1, [0, 1]),
    ],
    activations: {
      rows: 5,
      layers: ['embeddings', 'layer 0'],
      baseVsTuned: [
        [1, 0.9],
        [0.99, null],
      ],
      pairs: [{ a: 0, b: 1, cka: [0.98, 0.7] }],
    },
  };
  const label = (id: string) => id.toUpperCase();

  it('charts conflict and overruled shares per encoder layer (not the head)', () => {
    const chart = conflictChart(report, label);
    expect(chart.lines).toEqual([
      { key: 'conflict', label: 'sign conflict' },
      { key: 'overruled0', label: 'TIES overrules of A' },
      { key: 'overruled1', label: 'TIES overrules of B' },
    ]);
    expect(chart.rows).toEqual([
      { layer: 'embeddings', conflict: 0.2, overruled0: 0.1, overruled1: 0.3 },
      { layer: 'layer 0', conflict: 0.4, overruled0: 0.2, overruled1: 0.1 },
    ]);
  });

  it('charts CKA, leaving out undefined values, and writes long CSV', () => {
    const chart = ckaChart(report, label);
    expect(chart?.rows[1]).toEqual({ layer: 'layer 0', base0: 0.9, pair0_1: 0.7 });
    const csv = atlasCsv(chart ?? { rows: [], lines: [] }).split('\n');
    expect(csv[0]).toBe('layer,series,value');
    expect(csv).toContain('layer 0,A vs B,0.7');
    expect(csv).not.toContain('layer 0,base vs B,');
    expect(csv).toHaveLength(1 + 3 + 2);
  });

  it('has no CKA chart without activations', () => {
    expect(ckaChart({ ...report, activations: undefined }, label)).toBeNull();
  });
});
