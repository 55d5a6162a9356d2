// Two-way sweeps: at which size does synthetic data stop helping? Each share's mean per fraction
// against the lowest share's (real-only when it is 0 %), with the noise of both means.
import { METRICS } from '@tunelab/core/metrics';
import { percent } from '@tunelab/core/sweeps';
import type { FractionAggregate, SweepMetric } from './sweep-points.ts';

export interface ShareCell {
  mean: number | null;
  std: number | null;
  n: number;
  /** Better than the reference share's mean at this fraction (positive = better), on the metric's scale. */
  gain: number | null;
  /** 2 standard errors of the difference of the two means. */
  noise: number | null;
  /** helps: gain > noise; hurts: −gain > noise; same: within noise; null: not measured. */
  call: 'helps' | 'hurts' | 'same' | null;
}

export interface ShareComparison {
  reference: number;
  shares: number[];
  rows: { fraction: number; trainRows: number | null; cells: ShareCell[] }[];
  /** One sentence per share above the reference: up to which size it helps, from which size it does not. */
  findings: { share: number; text: string; stopsHelpingAt: number | null }[];
}

/**
 * Compares every share's curve with the lowest share's, size by size. A share "helps" at a size when
 * its mean beats the reference's by more than 2 standard errors of the difference
 * (√(s₁²/k₁ + s₂²/k₂), sample std over seeds). It "stops helping" at the first size from which it
 * never helps again.
 */
export function compareShares(
  perShare: readonly { share: number; aggregates: readonly FractionAggregate[] }[],
  metric: SweepMetric,
): ShareComparison | null {
  if (perShare.length < 2) return null;
  const sorted = [...perShare].sort((a, b) => a.share - b.share);
  const ref = sorted[0] as (typeof sorted)[number];
  const sign = METRICS[metric].higherIsBetter ? 1 : -1;
  const fractions = ref.aggregates.map((a) => a.fraction);
  const rows = fractions.map((fraction, i) => {
    const base = ref.aggregates[i] as FractionAggregate;
    const cells = sorted.map(({ aggregates }): ShareCell => {
      const a = aggregates.find((x) => x.fraction === fraction);
      if (!a || a.mean === null) return { mean: null, std: null, n: 0, gain: null, noise: null, call: null };
      if (base.mean === null)
        return { mean: a.mean, std: a.std, n: a.n, gain: null, noise: null, call: null };
      const gain = sign * (a.mean - base.mean);
      const noise = 2 * Math.sqrt((a.std ?? 0) ** 2 / a.n + (base.std ?? 0) ** 2 / Math.max(1, base.n));
      const call = gain > noise ? 'helps' : -gain > noise ? 'hurts' : 'same';
      return { mean: a.mean, std: a.std, n: a.n, gain, noise, call };
    });
    const trainRows = sorted.map((s) => s.aggregates[i]?.trainRows).find((n) => n != null) ?? null;
    return { fraction, trainRows, cells };
  });
  const size = (r: (typeof rows)[number]) =>
    r.trainRows === null ? `fraction ${r.fraction}` : `n = ${r.trainRows}`;
  const findings = sorted.slice(1).map(({ share }, j) => {
    const calls = rows.map((r) => r.cells[j + 1]?.call ?? null);
    const measured = rows.filter((_, i) => calls[i] !== null);
    const who = `${percent(share)} synthetic`;
    const vs = percent(ref.share);
    if (measured.length === 0) return { share, text: `${who}: no finished runs yet`, stopsHelpingAt: null };
    let last = -1;
    calls.forEach((c, i) => {
      if (c === 'helps') last = i;
    });
    if (last < 0)
      return { share, text: `${who} does not beat ${vs} at any size measured`, stopsHelpingAt: null };
    const after = rows.slice(last + 1).filter((_, i) => calls[last + 1 + i] !== null);
    if (after.length === 0)
      return {
        share,
        text: `${who} still beats ${vs} at the largest size measured (${size(rows[last] as (typeof rows)[number])})`,
        stopsHelpingAt: null,
      };
    const stop = after[0] as (typeof rows)[number];
    return {
      share,
      text: `${who} beats ${vs} up to ${size(rows[last] as (typeof rows)[number])}; from ${size(stop)} on it no longer helps`,
      stopsHelpingAt: stop.trainRows,
    };
  });
  return { reference: ref.share, shares: sorted.map((s) => s.share), rows, findings };
}
