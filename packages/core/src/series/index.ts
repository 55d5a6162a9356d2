export { SERIES_X_AXES, type SeriesXAxis } from './axes.ts';
export { ema, emaPoints } from './ema.ts';
export { lttb, type SeriesPoint } from './lttb.ts';
