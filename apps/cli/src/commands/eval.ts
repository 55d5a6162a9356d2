import { initBackend } from '@tunelab/core/backend';
import { EVAL_METRIC_KEYS, METRICS } from '@tunelab/core/metrics';
import { evaluate, loadModel, readLabelledFile } from '@tunelab/core/train';
import type { Command } from 'commander';
import { finiteNumber, positiveInt } from './tokenize.ts';

/** `tunelab eval --model DIR --data FILE --text-column C --label-column C [--tolerance K]`: metrics as one JSON object. */
export function registerEval(program: Command): void {
  program
    .command('eval')
    .description(
      `print metrics as JSON: ${jsonKeysFor('regression')} (regression) or ${jsonKeysFor('classification')}; plus n`,
    )
    .requiredOption('--model <dir>', 'fine-tuned Hugging Face style folder')
    .requiredOption('--data <file>', 'CSV, TSV or JSONL with text and label columns')
    .requiredOption('--text-column <name>', 'column holding the text')
    .requiredOption('--label-column <name>', 'column holding the label')
    .option('--tolerance <k>', 'flexible accuracy tolerance (regression)', '1')
    .option('--max-length <n>', 'truncate to N tokens', '128')
    .action(
      async (o: {
        model: string;
        data: string;
        textColumn: string;
        labelColumn: string;
        tolerance: string;
        maxLength: string;
      }) => {
        const tolerance = finiteNumber(o.tolerance, '--tolerance');
        const maxLength = positiveInt(o.maxLength, '--max-length');
        await initBackend();
        const { model, tokenizer } = await loadModel(o.model);
        try {
          const task = model.head === 'regression' ? 'regression' : 'classification';
          const named =
            model.labelNames && !model.labelNames.every((l, i) => l === `LABEL_${i}`)
              ? model.labelNames
              : undefined;
          const { examples } = await readLabelledFile(o.data, {
            textColumn: o.textColumn,
            labelColumn: o.labelColumn,
            task,
            classes: named,
          });
          const metrics = evaluate(model, tokenizer, examples, { tolerance, maxLength });
          process.stdout.write(`${JSON.stringify(metrics)}\n`);
        } finally {
          model.dispose();
        }
      },
    );
}

/** The JSON keys `tunelab eval` prints for a task, from the metrics table. */
function jsonKeysFor(task: 'regression' | 'classification'): string {
  return EVAL_METRIC_KEYS.map((k) => METRICS[k])
    .filter((m) => m.tasks.includes(task))
    .map((m) => m.jsonKey)
    .join(', ');
}
