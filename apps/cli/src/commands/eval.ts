import { initBackend } from '@tunelab/core/backend';
import { TRAIN_PARAM_DEFAULTS, ZEvaluateParams } from '@tunelab/core/dashboard';
import {
  EVAL_METRIC_KEYS,
  errorReductions,
  itemErrorReductions,
  METRICS,
  SCORING_DEFINITIONS,
} from '@tunelab/core/metrics';
import {
  loadModel,
  loadReferenceModel,
  readLabelledFile,
  referenceScoring,
  scoreModel,
} from '@tunelab/core/train';
import type { Command } from 'commander';
import { type LongTextFlags, longTextFlags, longTextFromFlags } from './long-text-flags.ts';
import { parseRunFlags } from './run-flags.ts';

/** `--label-range MIN,MAX` → [MIN, MAX]. */
export function parseLabelRange(value: string): [number, number] {
  const parts = value.split(',').map((p) => Number(p.trim()));
  const [lo, hi] = parts;
  if (
    parts.length !== 2 ||
    lo === undefined ||
    hi === undefined ||
    !Number.isFinite(lo) ||
    !Number.isFinite(hi) ||
    lo > hi
  ) {
    throw new Error(`--label-range must be MIN,MAX with MIN ≤ MAX, got "${value}"`);
  }
  return [lo, hi];
}

/**
 * `tunelab eval --model DIR --data FILE --text-column C --label-column C [--tolerance K]`: metrics as
 * one JSON object. Regression predictions are clamped to the range the model was trained on (stored
 * in its config.json, or `--label-range`), never to the range of the labels in FILE.
 * `--reference-model DIR` scores that model on the same rows (a base checkpoint with an untrained
 * head seeded by `--reference-seed`, as the MADRS-BERT study compared with its untuned BERT: one
 * output per item of a multi-item model) and adds `reference: {kind, ...metrics}` and
 * `error_reduction: {mae, flexible}` against it; a multi-item model adds each item's under
 * `reference.items` and `error_reduction.items`, the top-level figures comparing the means over items.
 */
export function registerEval(program: Command): void {
  const command = program
    .command('eval')
    .description(
      `print metrics as JSON: ${jsonKeysFor('regression')} (regression) or ${jsonKeysFor('classification')}; plus n`,
    )
    .requiredOption('--model <dir>', 'fine-tuned Hugging Face style folder')
    .requiredOption('--data <file>', 'CSV, TSV or JSONL with text and label columns')
    .requiredOption('--text-column <name>', 'column holding the text')
    .requiredOption(
      '--label-column <name>',
      "column holding the label; a,b,c: one column per item of a multi-item model, in the model's item order",
    )
    .option('--item-column <name>', "multi-item model, long shape: column naming each row's item")
    .option(
      '--tolerance <k>',
      `flexible accuracy tolerance (regression; default ${TRAIN_PARAM_DEFAULTS.tolerance})`,
    )
    .option('--max-length <n>', `truncate to N tokens (default ${TRAIN_PARAM_DEFAULTS.maxLength})`)
    .option(
      '--label-range <min,max>',
      "regression: the scale predictions are clamped to (default: the model's training range)",
    )
    .option(
      '--reference-model <dir>',
      `also score this model on the same rows and print error_reduction against it. ${SCORING_DEFINITIONS.errorReduction}`,
    )
    .option('--reference-seed <n>', 'seed of the reference model head when it has none (default 0)');
  longTextFlags(command).action(
    async (
      o: {
        model: string;
        data: string;
        textColumn: string;
        labelColumn: string;
        tolerance?: string;
        maxLength?: string;
        labelRange?: string;
        itemColumn?: string;
        referenceModel?: string;
        referenceSeed?: string;
      } & LongTextFlags,
    ) => {
      const p = parseRunFlags(
        ZEvaluateParams,
        { tolerance: o.tolerance, maxLength: o.maxLength },
        { tolerance: '--tolerance', maxLength: '--max-length' },
      );
      const labelRange = o.labelRange === undefined ? undefined : parseLabelRange(o.labelRange);
      const referenceSeed = o.referenceSeed === undefined ? 0 : Number(o.referenceSeed);
      if (!Number.isInteger(referenceSeed) || referenceSeed < 0)
        throw new Error(`--reference-seed must be a whole number ≥ 0, got "${o.referenceSeed}"`);
      await initBackend();
      const { model, tokenizer } = await loadModel(o.model);
      try {
        const task: 'regression' | 'classification' =
          model.head === 'regression' ? 'regression' : 'classification';
        if (task === 'regression' && !labelRange && !model.labelRange) {
          process.stderr.write(
            `eval: ${o.model} stores no label range (config.json "tunelab_label_range"); predictions are rounded but not clamped. Pass --label-range MIN,MAX to clamp.\n`,
          );
        }
        const named =
          model.labelNames && !model.labelNames.every((l, i) => l === `LABEL_${i}`)
            ? model.labelNames
            : undefined;
        const itemNames = model.numLabels > 1 && task === 'regression' ? model.itemNames : null;
        const columns = o.labelColumn.split(',');
        if (itemNames && !o.itemColumn && columns.length !== itemNames.length)
          throw new Error(
            `${o.model} scores ${itemNames.length} items (${itemNames.join(', ')}): give --label-column with ${itemNames.length} columns, or --item-column`,
          );
        const { examples } = await readLabelledFile(o.data, {
          textColumn: o.textColumn,
          labelColumn: o.labelColumn,
          task,
          classes: named,
          itemColumn: o.itemColumn,
          items: o.itemColumn && itemNames ? itemNames : undefined,
        });
        const scoring = {
          task,
          // the reference is scored on the model's scale, so both are clamped alike
          labelRange: labelRange ?? model.labelRange ?? undefined,
          tolerance: p.tolerance ?? TRAIN_PARAM_DEFAULTS.tolerance,
          maxLength: p.maxLength,
          longText: longTextFromFlags(o),
        };
        const scored = scoreModel(model, tokenizer, examples, scoring);
        // Multi-item: each item's figures under "items", the means over items at the top.
        const items = scored.items ? perItemMetrics(scored.items) : undefined;
        const metrics = items ? { items, ...scored.metrics } : scored.metrics;
        if (o.referenceModel === undefined) {
          process.stdout.write(`${JSON.stringify(metrics)}\n`);
          return;
        }
        const name = o.referenceModel.replace(/\/+$/, '').split('/').pop() || o.referenceModel;
        // The reference in the model's label space: its own head if it has one, else seeded, untrained.
        const ref = await loadReferenceModel(
          o.referenceModel,
          name,
          { task, numClasses: model.numLabels, outputs: model.numLabels },
          referenceSeed,
        );
        try {
          const refScored = scoreModel(ref.model, ref.tokenizer, examples, referenceScoring(model, scoring));
          const errorReduction = errorReductions(task, scored.metrics, refScored.metrics);
          // Multi-item: the reference's figures and the error reductions per item under "items", as
          // the model's; the top-level ones compare the means over items.
          process.stdout.write(
            `${JSON.stringify({
              ...metrics,
              reference: {
                kind: ref.kind,
                ...(refScored.items ? { items: perItemMetrics(refScored.items) } : {}),
                ...refScored.metrics,
              },
              error_reduction: {
                ...(scored.items ? { items: itemErrorReductions(task, scored.items, refScored.items) } : {}),
                ...errorReduction,
              },
            })}\n`,
          );
        } finally {
          ref.model.dispose();
        }
      } finally {
        model.dispose();
      }
    },
  );
}

/** Each item's metrics, keyed by item name (the "items" of the JSON). */
function perItemMetrics(items: Record<string, { metrics: Record<string, number> }>) {
  return Object.fromEntries(Object.entries(items).map(([name, s]) => [name, s.metrics]));
}

/** The JSON keys `tunelab eval` prints for a task, from the metrics table. */
function jsonKeysFor(task: 'regression' | 'classification'): string {
  return EVAL_METRIC_KEYS.map((k) => METRICS[k])
    .filter((m) => m.tasks.includes(task))
    .map((m) => m.jsonKey)
    .join(', ');
}
