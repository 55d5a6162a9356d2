// The per-layer series of the atlas charts (analysis page and merge page): sign conflict and TIES
// interference from the tuning vectors, linear CKA from the activations. Pure, so it is tested.
import type { VectorsReport } from '@tunelab/core/vectors';
import { csvCell } from '../../charts/chart-export.ts';

export interface TAtlasLine {
  key: string;
  label: string;
}

export interface TAtlasChart {
  /** One row per layer: { layer, [line key]: value }. */
  rows: Record<string, string | number>[];
  lines: TAtlasLine[];
}

type Report = Pick<VectorsReport, 'layers' | 'tuned' | 'activations'>;

/** Encoder layers and the embeddings (the pooler and head have no CKA and one tensor each). */
const isEncoderLayer = (layer: string) => layer === 'embeddings' || /^layer \d+$/.test(layer);

/** Sign-conflict rate and each model's TIES-overruled share per layer. */
export function conflictChart(report: Report, label: (id: string) => string): TAtlasChart {
  const layers = report.layers.filter((l) => isEncoderLayer(l.layer));
  const lines: TAtlasLine[] = [];
  if (layers.some((l) => l.signConflict !== undefined))
    lines.push({ key: 'conflict', label: 'sign conflict' });
  report.tuned.forEach((id, k) => {
    if (layers.some((l) => l.changes[k]?.tiesOverruled !== undefined))
      lines.push({ key: `overruled${k}`, label: `TIES overrules of ${label(id)}` });
  });
  const rows = layers.map((l) => {
    const row: Record<string, string | number> = { layer: l.layer };
    if (l.signConflict !== undefined) row.conflict = l.signConflict;
    l.changes.forEach((c, k) => {
      if (c.tiesOverruled !== undefined) row[`overruled${k}`] = c.tiesOverruled;
    });
    return row;
  });
  return { rows, lines };
}

/** CKA per layer: base against each tuned model, and between tuned models. */
export function ckaChart(report: Report, label: (id: string) => string): TAtlasChart | null {
  const a = report.activations;
  if (!a) return null;
  const lines: TAtlasLine[] = [
    ...report.tuned.map((id, k) => ({ key: `base${k}`, label: `base vs ${label(id)}` })),
    ...a.pairs.map((p) => ({
      key: `pair${p.a}_${p.b}`,
      label: `${label(report.tuned[p.a] ?? '')} vs ${label(report.tuned[p.b] ?? '')}`,
    })),
  ];
  const rows = a.layers.map((layer, l) => {
    const row: Record<string, string | number> = { layer };
    a.baseVsTuned.forEach((values, k) => {
      const v = values[l];
      if (typeof v === 'number') row[`base${k}`] = v;
    });
    for (const p of a.pairs) {
      const v = p.cka[l];
      if (typeof v === 'number') row[`pair${p.a}_${p.b}`] = v;
    }
    return row;
  });
  return { rows, lines };
}

/** Long-format CSV of a chart: layer, series, value. */
export function atlasCsv(chart: TAtlasChart): string {
  return [
    'layer,series,value',
    ...chart.rows.flatMap((row) =>
      chart.lines
        .filter((line) => row[line.key] !== undefined)
        .map((line) => [row.layer, line.label, row[line.key]].map(csvCell).join(',')),
    ),
  ].join('\n');
}
