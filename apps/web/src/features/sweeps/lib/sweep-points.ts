import { ZRunSummary } from '@tunelab/core/dashboard';

export const SWEEP_METRICS = {
  mae: { label: 'MAE', better: 'min' },
  rmse: { label: 'RMSE', better: 'min' },
  accuracy: { label: 'Accuracy', better: 'max' },
  flexibleAccuracy: { label: 'Flexible accuracy', better: 'max' },
  macroF1: { label: 'Macro F1', better: 'max' },
} as const;
export type SweepMetric = keyof typeof SWEEP_METRICS;

export interface FractionAggregate {
  fraction: number;
  n: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  std: number | null;
  /** Per-seed values, for dots. */
  values: { seed: number | null; value: number }[];
}

/** Mean, spread (min–max) and standard deviation across seeds of one metric, per fraction. */
export function aggregateByFraction(
  runs: { fraction: number | null; seed: number | null; status: string; summary: unknown }[],
  metric: SweepMetric,
  fractions: number[],
): FractionAggregate[] {
  return fractions.map((fraction) => {
    const values = runs
      .filter((r) => r.fraction === fraction && r.status === 'succeeded')
      .flatMap((r) => {
        const s = ZRunSummary.safeParse(r.summary);
        const v = s.success ? s.data.metrics[metric] : undefined;
        return typeof v === 'number' && Number.isFinite(v) ? [{ seed: r.seed, value: v }] : [];
      });
    const n = values.length;
    if (n === 0) return { fraction, n, mean: null, min: null, max: null, std: null, values };
    const xs = values.map((v) => v.value);
    const mean = xs.reduce((a, b) => a + b, 0) / n;
    const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
    return { fraction, n, mean, min: Math.min(...xs), max: Math.max(...xs), std, values };
  });
}
