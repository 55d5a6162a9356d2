// The figures the compare page sets side by side: each run's final metrics (means over items for
// multi-item scales) and, per item, each run's figures for that item; best per column.
import { ZRunSummary } from '@tunelab/core/dashboard';

export type TFigures = Record<string, number | undefined>;
export interface TFigureColumn {
  key: string;
  better: 'min' | 'max';
}

/** A run's final metrics plus `errorReduction` (MAE), or {} when it has no summary yet. */
export function runFigures(summary: unknown): TFigures {
  const s = ZRunSummary.safeParse(summary);
  if (!s.success) return {};
  return { ...numbers(s.data.metrics), errorReduction: s.data.errorReduction?.mae ?? undefined };
}

/** The best value of each column over the given figures (null entries: runs without that item). */
export function bestPerColumn(
  values: readonly (TFigures | null)[],
  columns: readonly TFigureColumn[],
): TFigures {
  return Object.fromEntries(
    columns.map((c) => {
      const vs = values
        .map((v) => v?.[c.key])
        .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      return [c.key, vs.length ? (c.better === 'min' ? Math.min(...vs) : Math.max(...vs)) : undefined];
    }),
  );
}

/** Per item of the multi-item runs (items in first-seen order): each run's figures, null where it lacks the item. */
export function itemFigures(
  summaries: readonly unknown[],
  columns: readonly TFigureColumn[],
): { item: string; values: (TFigures | null)[]; best: TFigures }[] {
  const parsed = summaries.map((summary) => {
    const s = ZRunSummary.safeParse(summary);
    return s.success ? (s.data.items ?? {}) : {};
  });
  const items = [...new Set(parsed.flatMap((items) => Object.keys(items)))];
  return items.map((item) => {
    const values = parsed.map((items) => {
      const figures = items[item];
      return figures
        ? { ...numbers(figures.metrics), errorReduction: figures.errorReduction?.mae ?? undefined }
        : null;
    });
    return { item, values, best: bestPerColumn(values, columns) };
  });
}

function numbers(metrics: Record<string, unknown>): TFigures {
  return Object.fromEntries(
    Object.entries(metrics).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
  );
}
