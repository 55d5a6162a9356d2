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

/** Where a listed run lives: generation and search runs have their own pages, the rest the run page. */
export function runHref(
  run: Pick<RunListItem, 'id' | 'kind'> & {
    mergeSearch?: { id: string } | null;
    searchCandidate?: { searchId: string } | null;
  },
): string {
  if (run.kind === 'generate') return `/synth/runs/${run.id}`;
  if (run.kind === 'search' && run.mergeSearch) return `/merges/search/${run.mergeSearch.id}`;
  if (run.kind === 'search_candidate' && run.searchCandidate)
    return `/merges/search/${run.searchCandidate.searchId}`;
  return `/runs/${run.id}`;
}

export function toRunRow(run: RunListItem): RunRow {
  const summary = ZRunSummary.safeParse(run.summary);
  const m = summary.success ? summary.data.metrics : {};
  const er = summary.success ? summary.data.errorReduction : undefined;
  return {
    id: run.id,
    label: runLabel(run),
    href: runHref(run),
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
