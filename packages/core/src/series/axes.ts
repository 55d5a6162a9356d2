/** What a metric series can be plotted against. `wall` is seconds since the run started. */
export const SERIES_X_AXES = ['step', 'epoch', 'wall'] as const;
export type SeriesXAxis = (typeof SERIES_X_AXES)[number];
