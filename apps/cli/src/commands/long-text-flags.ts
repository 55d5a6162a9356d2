// Flags shared by train, eval and predict: multi-item scales (`--item-column`) and long texts
// (`--long-text`, `--window`, `--stride`, `--pool`), parsed by the run contract (ZTrainParams).
import { longTextOptions, ZTrainParams } from '@tunelab/core/dashboard';
import type { TLongTextInput } from '@tunelab/core/train';
import type { Command } from 'commander';
import { parseRunFlags } from './run-flags.ts';

export interface LongTextFlags {
  longText?: string;
  window?: string;
  stride?: string;
  pool?: string;
}

/** Adds the long-text flags to a command. */
export function longTextFlags(command: Command): Command {
  return command
    .option('--long-text <mode>', 'texts over the max length: truncate (default), head-tail or windows')
    .option('--window <n>', 'windows: tokens per window, [CLS] and [SEP] included (default: the max length)')
    .option('--stride <n>', 'windows: tokens between window starts (default: half a window)')
    .option('--pool <how>', 'windows: mean (default) or max (classification) of the window predictions');
}

/**
 * The engine's long-text option of the flags. `--window` or `--stride` alone choose windows.
 * @example longTextFromFlags({ window: '64', stride: '32' }) // { mode: 'windows', window: 64, stride: 32, pool: 'mean' }
 */
export function longTextFromFlags(o: LongTextFlags): TLongTextInput {
  const mode = o.longText ?? (o.window !== undefined || o.stride !== undefined ? 'windows' : 'truncate');
  const numbers = parseRunFlags(
    ZTrainParams.pick({ window: true, stride: true }),
    { window: o.window, stride: o.stride },
    { window: '--window', stride: '--stride' },
  );
  const parsed = ZTrainParams.pick({ longText: true, pool: true }).safeParse({
    longText: mode,
    pool: o.pool,
  });
  if (!parsed.success) {
    const key = String(parsed.error.issues[0]?.path[0] ?? '');
    throw new Error(
      key === 'pool'
        ? `--pool must be mean or max, got "${o.pool}"`
        : `--long-text must be truncate, head-tail or windows, got "${mode}"`,
    );
  }
  return longTextOptions({ ...parsed.data, ...numbers });
}
