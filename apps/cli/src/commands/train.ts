import { initBackend } from '@tunelab/core/backend';
import {
  TRAIN_PARAM_DEFAULTS as D,
  fineTuneOptions,
  type TTrainParams,
  ZTrainParams,
} from '@tunelab/core/dashboard';
import { ZTask } from '@tunelab/core/datasets';
import { readCoreEnv } from '@tunelab/core/env';
import { nestItemMetrics } from '@tunelab/core/metrics';
import {
  type EpochEvent,
  readLabelledFile,
  runThreads,
  type StepEvent,
  trainFolder,
} from '@tunelab/core/train';
import type { Command } from 'commander';
import { type LongTextFlags, longTextFlags, longTextFromFlags } from './long-text-flags.ts';
import { parseRunFlags } from './run-flags.ts';
import { positiveInt } from './tokenize.ts';
import { trainCrossValidation } from './train-cv.ts';

interface TrainFlags extends LongTextFlags {
  model: string;
  train: string;
  eval: string;
  textColumn: string;
  labelColumn: string;
  task: string;
  epochs?: string;
  lr?: string;
  batchSize?: string;
  maxLength?: string;
  seed?: string;
  tolerance?: string;
  threads?: string;
  folds?: string;
  foldSeed?: string;
  groupColumn?: string;
  out: string;
  itemColumn?: string;
  sourceColumn?: string;
  evalSource?: string;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

/** One status line; redrawn in place with \r on a terminal, one line per update otherwise (logs). */
export function progressLine(e: StepEvent): string {
  const pct = ((100 * e.step) / e.totalSteps).toFixed(0);
  return `train: epoch ${e.epoch} step ${e.step}/${e.totalSteps} (${pct}%) loss ${e.loss.toFixed(4)} lr ${e.lr.toExponential(2)} eta ${formatSeconds(e.etaSeconds)}`;
}

const FLAGS = {
  epochs: '--epochs',
  lr: '--lr',
  batchSize: '--batch-size',
  maxLength: '--max-length',
  seed: '--seed',
  tolerance: '--tolerance',
};

/** The run contract's parameters (`ZTrainParams`) of the given flags; absent flags take its defaults. */
export function trainParamsFromFlags(o: Partial<Record<keyof typeof FLAGS, string>>): TTrainParams {
  return parseRunFlags(
    ZTrainParams,
    Object.fromEntries(Object.keys(FLAGS).map((k) => [k, o[k as keyof typeof FLAGS]])),
    FLAGS,
  );
}

/** `tunelab train …`: fine-tune without the queue; writes a Hugging Face folder and metrics.json. */
export function registerTrain(program: Command): void {
  const command = program
    .command('train')
    .description('fine-tune a model on a labelled file; writes a Hugging Face folder and metrics.json')
    .requiredOption('--model <dir>', 'base model folder (Hugging Face style)')
    .requiredOption('--train <file>', 'training data (CSV, TSV or JSONL)')
    .requiredOption('--eval <file>', 'evaluation data (CSV, TSV or JSONL)')
    .requiredOption('--text-column <name>', 'column holding the text')
    .requiredOption(
      '--label-column <name>',
      'column holding the label; a,b,c: one column per item of a multi-item scale (wide)',
    )
    .option('--item-column <name>', "multi-item scale, long shape: column naming each row's item")
    .requiredOption('--task <task>', 'regression or classification')
    // Defaults come from the run contract (ZTrainParams), so `tunelab train` trains as the dashboard does.
    .option('--epochs <n>', `passes over the training data (default ${D.epochs})`)
    .option('--lr <x>', `peak learning rate (default ${D.lr})`)
    .option('--batch-size <n>', `examples per step (default ${D.batchSize})`)
    .option('--max-length <n>', `truncate to N tokens (default ${D.maxLength})`)
    .option('--seed <n>', `seed for shuffling, dropout and head initialisation (default ${D.seed})`)
    .option('--tolerance <k>', `flexible accuracy tolerance (regression; default ${D.tolerance})`)
    .option('--threads <n>', 'data-parallel training threads (default: TUNELAB_THREADS, else every core)')
    .option(
      '--folds <k>',
      'k-fold cross-validation over the train + eval files (stratified, seeded): OUT/fold-i per fold, OUT/metrics.json with "cv": {folds, mean, std}',
    )
    .option('--fold-seed <n>', 'seed of the fold assignment (default 0)')
    .option('--group-column <name>', 'with --folds: rows with the same value (one document) stay in one fold')
    .option('--source-column <name>', 'column saying whether a row is real or synthetic')
    .option(
      '--eval-source <which>',
      'all (default) or real: judge on real eval rows only (needs --source-column); training uses every row',
    )
    .requiredOption('--out <dir>', 'output folder');
  longTextFlags(command).action(async (o: TrainFlags) => {
    const parsedTask = ZTask.safeParse(o.task);
    if (!parsedTask.success) throw new Error(`--task must be regression or classification, got "${o.task}"`);
    const task = parsedTask.data;
    const params = trainParamsFromFlags(o);
    const backend = await initBackend();
    const threads = runThreads({
      requested:
        o.threads === undefined ? readCoreEnv().TUNELAB_THREADS : positiveInt(o.threads, '--threads'),
      backend,
    });
    if (o.groupColumn !== undefined && o.folds === undefined)
      throw new Error('--group-column groups the folds of --folds: give --folds K too');
    const folds = o.folds === undefined ? null : positiveInt(o.folds, '--folds');
    if (folds !== null && (folds < 2 || folds > 20)) throw new Error(`--folds must be 2..20, got ${folds}`);
    const evalSource = o.evalSource ?? 'all';
    if (evalSource !== 'all' && evalSource !== 'real')
      throw new Error(`--eval-source must be all or real, got "${o.evalSource}"`);
    if (evalSource === 'real' && o.sourceColumn === undefined)
      throw new Error('--eval-source real needs --source-column: the column saying which rows are real');
    const longText = longTextFromFlags(o);
    const cols = {
      textColumn: o.textColumn,
      labelColumn: o.labelColumn,
      task,
      itemColumn: o.itemColumn,
      groupColumn: o.groupColumn,
      sourceColumn: o.sourceColumn,
    };
    const train = await readLabelledFile(o.train, cols);
    const evalSet = await readLabelledFile(o.eval, {
      ...cols,
      classes: train.classes ?? undefined,
      items: o.itemColumn ? train.items?.map((i) => i.name) : undefined,
    });
    const tty = process.stderr.isTTY === true;
    let lastPlain = 0;
    const base = {
      modelDir: o.model,
      classes: train.classes,
      // The label range is the training files' (train ∪ eval), saved with the model for `tunelab eval`.
      options: {
        ...fineTuneOptions(params, { task, numLabels: train.classes?.length, items: train.items }),
        longText,
        threads,
      },
      callbacks: {
        onStep: (e: StepEvent) => {
          if (tty) process.stderr.write(`\r${progressLine(e)}\u001b[K`);
          else if (e.step === e.totalSteps || Date.now() - lastPlain > 5000 || e.step === 1) {
            lastPlain = Date.now();
            process.stderr.write(`${progressLine(e)}\n`);
          }
        },
        onEpoch: (e: EpochEvent) => {
          if (tty) process.stderr.write('\n');
          process.stderr.write(`train: epoch ${e.epoch} ${JSON.stringify(e.metrics)}\n`);
        },
      },
    };
    if (folds !== null) {
      const foldSeed = o.foldSeed === undefined ? 0 : Number(o.foldSeed);
      if (!Number.isInteger(foldSeed) || foldSeed < 0)
        throw new Error(`--fold-seed must be an integer ≥ 0, got "${o.foldSeed}"`);
      const cv = await trainCrossValidation({
        examples: [...train.examples, ...evalSet.examples],
        ...(train.groups && evalSet.groups ? { groups: [...train.groups, ...evalSet.groups] } : {}),
        ...(train.sources && evalSet.sources ? { sources: [...train.sources, ...evalSet.sources] } : {}),
        evalSource,
        task,
        k: folds,
        seed: foldSeed,
        outDir: o.out,
        base,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stderr.write(`train: ${folds}-fold cross-validation done; wrote ${o.out}\n`);
      process.stdout.write(`${JSON.stringify({ status: 'completed', out: o.out, cv })}\n`);
      return;
    }
    const result = await trainFolder({
      ...base,
      outDir: o.out,
      train: train.examples,
      eval:
        evalSource === 'real'
          ? evalSet.examples.filter((_, i) => evalSet.sources?.[i] === 'real')
          : evalSet.examples,
    });
    process.stderr.write(`train: ${result.status} after ${result.epochs} epochs; wrote ${o.out}\n`);
    process.stdout.write(
      `${JSON.stringify({ status: result.status, out: o.out, metrics: nestItemMetrics(result.metrics) })}\n`,
    );
  });
}
