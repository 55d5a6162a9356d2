import { TRAIN_PARAM_DEFAULTS, type TTrainParams } from './train-params.ts';

/** Parameters that identify a run in its name on their own (shown separately, in this order). */
const SHOWN_APART = new Set(['trainFraction', 'fold', 'seed']);
/** Parameters that never make a run different enough to name (bookkeeping). */
const NOT_NAMED = new Set(['tolerance', 'evalFraction', 'maxSteps']);

const short = (v: number) =>
  Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(0) : String(Number(v.toPrecision(3)));

/**
 * The hyper-parameters a run changed from the defaults, as "lr 1e-4", "epochs 5" (in the form's
 * order), so runs and models of one sweep or grid do not all carry the same name.
 */
export function changedParams(params: Partial<TTrainParams>): string[] {
  const out: string[] = [];
  for (const [key, fallback] of Object.entries(TRAIN_PARAM_DEFAULTS)) {
    if (SHOWN_APART.has(key) || NOT_NAMED.has(key)) continue;
    const value = params[key as keyof TTrainParams];
    if (typeof value === 'number' && typeof fallback === 'number' && value !== fallback) {
      out.push(`${key} ${short(value)}`);
    }
  }
  return out;
}

/**
 * Automatic name of a fine-tuned model or run that says what differs: the base and dataset, then
 * the training fraction (below 100 %), the fold, changed hyper-parameters and the seed.
 * Example: "demo-bert → AFINN · 25% · fold 2 · lr 1e-4 · seed 1" (folds count from 0, as on the
 * dataset page).
 */
export function fineTuneName(base: string, dataset: string, params: Partial<TTrainParams>): string {
  const parts = [`${base} → ${dataset}`];
  if (params.trainFraction !== undefined && params.trainFraction < 1) {
    parts.push(`${Number((params.trainFraction * 100).toPrecision(3))}%`);
  }
  if (params.mix) parts.push(`${Number((params.mix.share * 100).toPrecision(3))}% synthetic`);
  if (params.fold !== undefined) parts.push(`fold ${params.fold}${params.cv ? `/${params.cv.k}` : ''}`);
  parts.push(...changedParams(params));
  if (params.seed !== undefined) parts.push(`seed ${params.seed}`);
  return parts.join(' · ').slice(0, 120);
}
