import { SERIES_X_AXES } from '@tunelab/core/series';
import { z } from 'zod';

const SPLITS = ['train', 'eval', 'test', 'mlm'] as const;

/** A requested series: `split/name` ("eval/mae"), `split_name` ("eval_mae") or a bare name ("loss", any split). */
export interface SeriesSelector {
  name: string;
  split: string | null;
}

export function parseSeriesSelector(raw: string): SeriesSelector {
  const s = raw.trim();
  const slash = s.indexOf('/');
  if (slash > 0) return { split: s.slice(0, slash), name: s.slice(slash + 1) };
  for (const split of SPLITS)
    if (s.startsWith(`${split}_`)) return { split, name: s.slice(split.length + 1) };
  return { split: null, name: s };
}

export const ZSeriesQuery = z.object({
  names: z
    .string()
    .min(1, 'names is required, e.g. names=loss,eval_mae')
    .transform((v) =>
      v
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().max(80)).min(1).max(32)),
  x: z.enum(SERIES_X_AXES).default('step'),
  points: z.coerce.number().int().min(3).max(20_000).default(1000),
  /** Only points with step > after (incremental polling); no downsampling then beyond `points`. */
  after: z.coerce.number().int().min(-1).optional(),
});
export type TSeriesQuery = z.infer<typeof ZSeriesQuery>;

export interface SeriesResult {
  key: string;
  name: string;
  split: string;
  /** Number of stored points before downsampling. */
  total: number;
  lastStep: number | null;
  /** [x, y] pairs, x ascending. */
  points: [number, number][];
}
