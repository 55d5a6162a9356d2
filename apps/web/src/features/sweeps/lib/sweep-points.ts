import { ZRunSummary } from '@tunelab/core/dashboard';
import { EVAL_METRIC_KEYS, METRICS, type MetricKey } from '@tunelab/core/metrics';
import { fitScaling, ScalingError, type ScalingFit } from '@tunelab/core/scaling';

/** The metrics a sweep can be plotted by: the evaluation metrics of the one metrics table. */
export const SWEEP_METRICS = EVAL_METRIC_KEYS;
export type SweepMetric = MetricKey;

export function isSweepMetric(key: string): key is SweepMetric {
  return (SWEEP_METRICS as readonly string[]).includes(key);
}

export interface SweepRunFacts {
  fraction: number | null;
  seed: number | null;
  status: string;
  summary: unknown;
}

export interface FractionAggregate {
  fraction: number;
  /** Training rows the fraction's runs saw (from their summaries); null before any finished. */
  trainRows: number | null;
  n: number;
  mean: number | null;
  min: number | null;
  max: number | null;
  std: number | null;
  /** The runs' reference predictor (mean/majority) on the same eval rows, averaged over seeds. */
  baseline: number | null;
  /** Per-seed values, for dots. */
  values: { seed: number | null; value: number }[];
}

function finishedSummaries(runs: readonly SweepRunFacts[], fraction: number) {
  return runs
    .filter((r) => r.fraction === fraction && r.status === 'succeeded')
    .flatMap((r) => {
      const s = ZRunSummary.safeParse(r.summary);
      return s.success ? [{ seed: r.seed, summary: s.data }] : [];
    });
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Mean, spread (min–max), standard deviation and baseline across seeds of one metric, per fraction. */
export function aggregateByFraction(
  runs: readonly SweepRunFacts[],
  metric: SweepMetric,
  fractions: number[],
): FractionAggregate[] {
  return fractions.map((fraction) => {
    const done = finishedSummaries(runs, fraction);
    const values = done.flatMap(({ seed, summary }) => {
      const v = summary.metrics[metric];
      return finite(v) ? [{ seed, value: v }] : [];
    });
    const rows = done.map((d) => d.summary.trainRows).filter(finite);
    const refs = done.map((d) => d.summary.reference?.metrics[metric]).filter(finite);
    const trainRows = rows.length ? Math.round(mean(rows)) : null;
    const baseline = refs.length ? mean(refs) : null;
    const n = values.length;
    if (n === 0)
      return { fraction, trainRows, n, mean: null, min: null, max: null, std: null, baseline, values };
    const xs = values.map((v) => v.value);
    const m = mean(xs);
    const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1)) : 0;
    return {
      fraction,
      trainRows,
      n,
      mean: m,
      min: Math.min(...xs),
      max: Math.max(...xs),
      std,
      baseline,
      values,
    };
  });
}

/**
 * True when every finished size's mean sits at the baseline: within 2 standard errors over seeds,
 * or within 1 % of the baseline when the seeds agree. Such a sweep learned nothing beyond the
 * reference predictor, whatever shape the fitted curve has.
 */
export function atBaseline(aggregates: readonly FractionAggregate[]): boolean {
  const sized = aggregates.filter((a) => a.mean !== null && a.baseline !== null);
  return (
    sized.length > 0 &&
    sized.every((a) => {
      const se = (a.std ?? 0) / Math.sqrt(Math.max(1, a.n));
      return (
        Math.abs((a.mean as number) - (a.baseline as number)) <=
        Math.max(2 * se, 0.01 * Math.abs(a.baseline as number))
      );
    })
  );
}

/** The baseline averaged over the sizes that have one; null when no run reported a reference. */
export function meanBaseline(aggregates: readonly FractionAggregate[]): number | null {
  const xs = aggregates.map((a) => a.baseline).filter(finite);
  return xs.length ? mean(xs) : null;
}

/** What the reference predictor of a sweep's runs was ("mean of train labels", "majority class"). */
export function baselineKind(runs: readonly SweepRunFacts[]): string | null {
  for (const r of runs) {
    const kind = ZRunSummary.safeParse(r.summary).data?.reference?.kind;
    if (kind) return kind.replace(/\s*\(.*\)$/, '');
  }
  return null;
}

export type SweepFit = { fit: ScalingFit; error?: undefined } | { fit?: undefined; error: string };

/**
 * The scaling fit of a sweep: every finished seed's point (n = the run's training rows), fitted by
 * core `fitScaling` with the same defaults as `tunelab scaling`, so the page and the CLI agree
 * (`--baseline` with the page's baseline, the runs' reference predictor averaged over sizes).
 */
export function fitSweep(
  aggregates: readonly FractionAggregate[],
  metric: SweepMetric,
  target: number | null,
): SweepFit {
  const baseline = meanBaseline(aggregates);
  const points = aggregates.flatMap((a) =>
    a.trainRows === null
      ? []
      : a.values.map((v) => ({ n: a.trainRows as number, value: v.value, seed: v.seed })),
  );
  try {
    return { fit: fitScaling(points, { higherIsBetter: METRICS[metric].higherIsBetter, target, baseline }) };
  } catch (e) {
    // a refusal (fewer than 3 sizes, bad values) is shown on the page; anything else is a bug
    if (e instanceof ScalingError) return { error: e.message };
    throw e;
  }
}
