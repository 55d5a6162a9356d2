import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { findMetric } from '@tunelab/core/metrics';
import { fitScaling, parseScalingPoints, type ScalingFit } from '@tunelab/core/scaling';
import type { Command } from 'commander';
import { finiteNumber, positiveInt } from './tokenize.ts';

/**
 * `tunelab scaling --points FILE.csv --metric NAME [--target X] [--baseline X] [--higher-is-better]`: fits
 * err(n) = a·n^(−b) + c (core `fitScaling`, the function the sweep page uses) and prints one JSON object.
 */
export function registerScaling(program: Command): void {
  program
    .command('scaling')
    .description(
      'fit a data-scaling curve to n,value[,seed] points; print JSON {a, b, c, band, heldout_error, target, n_needed, n_needed_interval, verdict}',
    )
    .requiredOption('--points <file>', 'CSV or TSV with columns n, value and optionally seed')
    .requiredOption(
      '--metric <name>',
      'metric of the value column (mae, rmse, accuracy, flexible_accuracy, macro_f1, or any name)',
    )
    .option('--target <x>', 'metric value wanted: how many examples reach it?')
    .option('--higher-is-better', 'for a metric not in the table: fit the error 1 − value')
    .option(
      '--baseline <x>',
      "the reference predictor's value (mean/majority): a curve that does not beat it is poor_fit",
    )
    .option('--bootstrap <n>', 'bootstrap replicates for the band', '200')
    .option('--seed <n>', 'seed of the bootstrap', '0')
    .action(
      async (o: {
        points: string;
        metric: string;
        target?: string;
        baseline?: string;
        higherIsBetter?: boolean;
        bootstrap: string;
        seed: string;
      }) => {
        const spec = findMetric(o.metric);
        if (spec && o.higherIsBetter && !spec.higherIsBetter) {
          throw new Error(
            `--higher-is-better contradicts the metrics table: ${spec.label} is lower-is-better`,
          );
        }
        const higherIsBetter = spec?.higherIsBetter ?? o.higherIsBetter === true;
        const target = o.target === undefined ? null : finiteNumber(o.target, '--target');
        const baseline = o.baseline === undefined ? null : finiteNumber(o.baseline, '--baseline');
        const text = await readFile(o.points, 'utf8');
        const points = await parseScalingPoints(text, basename(o.points));
        const fit = fitScaling(points, {
          higherIsBetter,
          target,
          baseline,
          bootstrap: positiveInt(o.bootstrap, '--bootstrap'),
          seed: seedOf(o.seed),
        });
        process.stdout.write(`${JSON.stringify(toScalingJson(fit, spec?.jsonKey ?? o.metric))}\n`);
      },
    );
}

function seedOf(value: string): number {
  const seed = finiteNumber(value, '--seed');
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be an integer ≥ 0, got "${value}"`);
  return seed;
}

/** The CLI's JSON contract (snake_case keys, like `tunelab eval`). */
export function toScalingJson(fit: ScalingFit, metric: string) {
  return {
    metric,
    higher_is_better: fit.higherIsBetter,
    a: fit.a,
    b: fit.b,
    c: fit.c,
    floor: fit.floor,
    band: fit.band,
    heldout_error: fit.heldout?.error ?? null,
    heldout: fit.heldout,
    baseline: fit.baseline,
    target: fit.target,
    n_needed: fit.nNeeded,
    n_needed_interval: fit.nNeededInterval,
    verdict: fit.verdict,
    reason: fit.reason,
  };
}
