// Shapes the evaluations of a merge (and of its siblings: merges of the same parents) for the
// grouped bars and the domain-A-versus-domain-B scatter.
import { EVAL_METRIC_KEYS, METRICS } from '@tunelab/core/metrics';

export interface TEvaluationRow {
  modelId: string;
  datasetId: string;
  metrics: unknown;
}

/** datasetId → metric → value, for one model. */
export type TScores = Record<string, Record<string, number>>;

export function scoresOf(evaluations: TEvaluationRow[], modelId: string): TScores {
  const out: TScores = {};
  for (const e of evaluations) {
    if (e.modelId !== modelId || !e.metrics || typeof e.metrics !== 'object') continue;
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(e.metrics as Record<string, unknown>))
      if (typeof v === 'number' && Number.isFinite(v)) metrics[k] = v;
    out[e.datasetId] = metrics;
  }
  return out;
}

/** Metrics present for every scored (model, dataset) pair, MAE-like first. */
export function commonMetrics(all: TScores[]): string[] {
  let keys: string[] | null = null;
  for (const scores of all) {
    for (const metrics of Object.values(scores)) {
      const present = Object.keys(metrics);
      keys = keys === null ? present : keys.filter((k) => present.includes(k));
    }
  }
  const order = EVAL_METRIC_KEYS.map((k) => METRICS[k].jsonKey);
  return (keys ?? []).sort(
    (a, b) => ((order.indexOf(a) + 100) % 100) - ((order.indexOf(b) + 100) % 100) || a.localeCompare(b),
  );
}

/** Same parents, in any order. */
export function sameParents(a: string[], b: string[]): boolean {
  return a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');
}
