import { initBackend } from '@tunelab/core/backend';
import { readCoreEnv } from '@tunelab/core/env';
import {
  readLabelledFile,
  runThreads,
  type StepEvent,
  TASK_KINDS,
  type TaskKind,
  trainFolder,
} from '@tunelab/core/train';
import type { Command } from 'commander';
import { finiteNumber, positiveInt } from './tokenize.ts';

interface TrainFlags {
  model: string;
  train: string;
  eval: string;
  textColumn: string;
  labelColumn: string;
  task: string;
  epochs: string;
  lr: string;
  batchSize: string;
  maxLength: string;
  seed: string;
  tolerance: string;
  threads?: string;
  out: string;
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

/** `tunelab train …`: fine-tune without the queue; writes a Hugging Face folder and metrics.json. */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('fine-tune a model on a labelled file; writes a Hugging Face folder and metrics.json')
    .requiredOption('--model <dir>', 'base model folder (Hugging Face style)')
    .requiredOption('--train <file>', 'training data (CSV, TSV or JSONL)')
    .requiredOption('--eval <file>', 'evaluation data (CSV, TSV or JSONL)')
    .requiredOption('--text-column <name>', 'column holding the text')
    .requiredOption('--label-column <name>', 'column holding the label')
    .requiredOption('--task <task>', 'regression or classification')
    .option('--epochs <n>', 'passes over the training data', '3')
    .option('--lr <x>', 'peak learning rate', '5e-5')
    .option('--batch-size <n>', 'examples per step', '16')
    .option('--max-length <n>', 'truncate to N tokens', '128')
    .option('--seed <n>', 'seed for shuffling, dropout and head initialisation', '42')
    .option('--tolerance <k>', 'flexible accuracy tolerance (regression)', '1')
    .option('--threads <n>', 'data-parallel training threads (default: TUNELAB_THREADS, else every core)')
    .requiredOption('--out <dir>', 'output folder')
    .action(async (o: TrainFlags) => {
      if (!(TASK_KINDS as readonly string[]).includes(o.task)) {
        throw new Error(`--task must be regression or classification, got "${o.task}"`);
      }
      const task = o.task as TaskKind;
      const options = {
        task,
        epochs: positiveInt(o.epochs, '--epochs'),
        learningRate: finiteNumber(o.lr, '--lr'),
        batchSize: positiveInt(o.batchSize, '--batch-size'),
        maxLength: positiveInt(o.maxLength, '--max-length'),
        seed: Math.trunc(finiteNumber(o.seed, '--seed')),
        tolerance: finiteNumber(o.tolerance, '--tolerance'),
      };
      const backend = await initBackend();
      const threads = runThreads({
        requested:
          o.threads === undefined ? readCoreEnv().TUNELAB_THREADS : positiveInt(o.threads, '--threads'),
        backend,
      });
      const cols = { textColumn: o.textColumn, labelColumn: o.labelColumn, task };
      const train = await readLabelledFile(o.train, cols);
      const evalSet = await readLabelledFile(o.eval, { ...cols, classes: train.classes ?? undefined });
      const tty = process.stderr.isTTY === true;
      let lastPlain = 0;
      const result = await trainFolder({
        modelDir: o.model,
        outDir: o.out,
        train: train.examples,
        eval: evalSet.examples,
        classes: train.classes,
        options: { ...options, threads, numLabels: train.classes?.length },
        callbacks: {
          onStep: (e) => {
            if (tty) process.stderr.write(`\r${progressLine(e)}\u001b[K`);
            else if (e.step === e.totalSteps || Date.now() - lastPlain > 5000 || e.step === 1) {
              lastPlain = Date.now();
              process.stderr.write(`${progressLine(e)}\n`);
            }
          },
          onEpoch: (e) => {
            if (tty) process.stderr.write('\n');
            process.stderr.write(`train: epoch ${e.epoch} ${JSON.stringify(e.metrics)}\n`);
          },
        },
      });
      process.stderr.write(`train: ${result.status} after ${result.epochs} epochs; wrote ${o.out}\n`);
      process.stdout.write(
        `${JSON.stringify({ status: result.status, out: o.out, metrics: result.metrics })}\n`,
      );
    });
}
