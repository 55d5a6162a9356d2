// The layer × module heatmap of a tuning-vector report: rows are layers in model order, columns
// the modules present, each cell one figure of one tuned model.
import type { GroupReport } from '@tunelab/core/vectors';

export const HEATMAP_FIGURES = {
  relative: 'relative change ‖Δ‖/‖θ_base‖',
  effectiveRank: 'effective rank (90% energy)',
  changedShare: 'share of entries changed',
  norm: '‖Δ‖₂',
  tiesOverruled: 'share of ‖Δ‖² a TIES merge overrules',
  tiesTrimmed: 'share of ‖Δ‖² a TIES merge trims',
  inBaseSubspace: "share of ‖Δ‖² in the base's top-k singular subspace",
} as const;
export type THeatmapFigure = keyof typeof HEATMAP_FIGURES;

const MODULE_ORDER = [
  'embeddings',
  'attention.query',
  'attention.key',
  'attention.value',
  'attention.output',
  'mlp.in',
  'mlp.out',
  'layernorm',
  'pooler',
  'head',
  'other',
];

export interface THeatmap {
  layers: string[];
  modules: string[];
  /** values[layer][module], null where the layer has no such module. */
  values: (number | null)[][];
  min: number;
  max: number;
}

export function buildHeatmap(
  groups: Pick<GroupReport, 'layer' | 'module' | 'changes'>[],
  model: number,
  figure: THeatmapFigure,
): THeatmap {
  const layers = [...new Set(groups.map((g) => g.layer))];
  const modules = MODULE_ORDER.filter((m) => groups.some((g) => g.module === m));
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const values = layers.map((layer) =>
    modules.map((module) => {
      const value = groups.find((g) => g.layer === layer && g.module === module)?.changes[model]?.[figure];
      if (typeof value !== 'number') return null;
      min = Math.min(min, value);
      max = Math.max(max, value);
      return value;
    }),
  );
  return {
    layers,
    modules,
    values,
    min: Number.isFinite(min) ? min : 0,
    max: Number.isFinite(max) ? max : 0,
  };
}

/** White → blue by the value's position in [min, max] (a constant map is mid-blue). */
export function cellColor(value: number, min: number, max: number): string {
  const s = max > min ? (value - min) / (max - min) : 0.5;
  const mix = (from: number, to: number) => Math.round(from + (to - from) * s);
  return `rgb(${mix(255, 31)}, ${mix(255, 95)}, ${mix(255, 200)})`;
}

/** Blue for +1, white for 0, red for −1 (cosine similarity). */
export function similarityColor(value: number): string {
  const s = Math.max(-1, Math.min(1, value));
  const fade = (c: number) => Math.round(255 + (c - 255) * Math.abs(s));
  return s >= 0
    ? `rgb(${fade(31)}, ${fade(95)}, ${fade(200)})`
    : `rgb(${fade(200)}, ${fade(50)}, ${fade(50)})`;
}
