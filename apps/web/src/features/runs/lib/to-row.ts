import { ZRunSummary } from '@tunelab/core/dashboard';
import {
  fmtAgo,
  fmtDuration,
  fmtMetric,
  fmtPct,
  runDurationSeconds,
  runLabel,
} from '../../../common/format.ts';
import type { RunRow } from '../components/runs-table.tsx';
import type { RunListItem } from './runs-query.ts';

/** The metrics the runs table shows, in order (labels from the metrics table). */
export const RUN_LIST_METRICS = ['mae', 'rmse', 'accuracy', 'flexibleAccuracy'] as const;

export function toRunRow(run: RunListItem): RunRow {
  const summary = ZRunSummary.safeParse(run.summary);
  const m = summary.success ? summary.data.metrics : {};
  const er = summary.success ? summary.data.errorReduction : undefined;
  return {
    id: run.id,
    label: runLabel(run),
    kind: run.kind,
    status: run.status,
    progress: run.progress,
    dataset: run.dataset?.name ?? '—',
    model: run.model?.name ?? '—',
    created: fmtAgo(run.createdAt),
    duration: fmtDuration(runDurationSeconds(run)),
    tags: run.tags,
    metrics: {
      ...Object.fromEntries(RUN_LIST_METRICS.map((k) => [k, fmtMetric(k, m[k])])),
      // named beside the figure: which reference the run's errors were compared with
      errorReduction:
        typeof er?.mae === 'number' && summary.success && summary.data.reference
          ? `${fmtPct(er.mae)} vs ${summary.data.reference.kind}`
          : fmtPct(er?.mae),
    },
  };
}
