import { changedParams, type TTrainParams } from '@tunelab/core/dashboard';
import { METRICS, type MetricKey } from '@tunelab/core/metrics';

export function fmtNum(v: unknown, digits = 4): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return v.toExponential(2);
  return Number(v.toPrecision(digits)).toString();
}

export function fmtPct(v: unknown, digits = 1): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  return `${(v * 100).toFixed(digits)}%`;
}

export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function fmtAgo(date: Date | string | null | undefined, now = Date.now()): string {
  if (!date) return '—';
  const s = (now - new Date(date).getTime()) / 1000;
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(date).toISOString().slice(0, 10);
}

export function runDurationSeconds(run: { startedAt: Date | null; finishedAt: Date | null }): number | null {
  if (!run.startedAt) return null;
  return ((run.finishedAt ?? new Date()).getTime() - run.startedAt.getTime()) / 1000;
}

/** Short readable run label: its name, else dataset · model · fraction · fold · changed params · seed. */
export function runLabel(run: {
  id: string;
  name?: string | null;
  kind?: string;
  params?: unknown;
  dataset?: { name: string } | null;
  model?: { name: string } | null;
  seed?: number | null;
  fraction?: number | null;
  merge?: { name: string | null; method: string } | null;
  mergeSearch?: { name: string | null } | null;
  searchCandidate?: { phase: string; index: number } | null;
}): string {
  if (run.name) return run.name;
  if (run.kind === 'search')
    return `merge search · ${run.mergeSearch?.name ?? run.model?.name ?? run.id.slice(-8)}`;
  if (run.kind === 'search_candidate')
    return `search candidate · ${run.searchCandidate ? `${run.searchCandidate.phase} #${run.searchCandidate.index}` : run.id.slice(-8)}`;
  if (run.kind === 'generate') return `generation · ${run.dataset?.name ?? run.id.slice(-8)}`;
  if (run.kind === 'merge')
    return `merge · ${run.merge?.name ?? `${run.merge?.method ?? ''} merge on ${run.model?.name ?? '?'}`}`;
  const modelName = (run.params as { modelName?: unknown } | undefined)?.modelName;
  if (run.kind === 'pretrain')
    return `pretrain · ${typeof modelName === 'string' ? modelName : run.id.slice(-8)}`;
  if (run.kind === 'evaluate') return `evaluate · ${run.model?.name ?? '?'} on ${run.dataset?.name ?? '?'}`;
  const parts = [run.dataset?.name, run.model?.name].filter(Boolean);
  if (run.fraction != null && run.fraction < 1) parts.push(`${Math.round(run.fraction * 100)}%`);
  const params = (run.params ?? {}) as Partial<TTrainParams>;
  if (typeof params.fold === 'number') parts.push(`fold ${params.fold}`);
  if (run.kind === 'train' || run.kind === undefined) parts.push(...changedParams(params));
  if (run.seed != null) parts.push(`seed ${run.seed}`);
  return parts.length ? parts.join(' · ') : run.id.slice(-8);
}

/** A metric value formatted as the metrics table says (percent or number). */
export function fmtMetric(key: MetricKey, v: unknown): string {
  return METRICS[key].format === 'percent' ? fmtPct(v) : fmtNum(v);
}
