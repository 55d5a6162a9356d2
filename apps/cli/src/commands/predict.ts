import { writeFile } from 'node:fs/promises';
import { initBackend } from '@tunelab/core/backend';
import { loadModel, predict, readJsonl, textOf } from '@tunelab/core/train';
import type { Command } from 'commander';
import { type LongTextFlags, longTextFlags, longTextFromFlags } from './long-text-flags.ts';
import { positiveInt } from './tokenize.ts';

/** `tunelab predict --model DIR --input FILE.jsonl --output FILE.jsonl [--max-length N]`. */
export function registerPredict(program: Command): void {
  const command = program
    .command('predict')
    .description('add "logits" and "prediction" to each {"text": …} line')
    .requiredOption('--model <dir>', 'fine-tuned Hugging Face style folder')
    .requiredOption('--input <file>', 'JSONL input, one {"text": …} per line')
    .requiredOption('--output <file>', 'JSONL output')
    .option('--max-length <n>', 'truncate to N tokens', '128')
    .option(
      '--item-column <name>',
      "multi-item model, long shape: the field naming each line's item (its prediction is that item's value)",
    );
  longTextFlags(command).action(
    async (
      o: {
        model: string;
        input: string;
        output: string;
        maxLength: string;
        itemColumn?: string;
      } & LongTextFlags,
    ) => {
      const maxLength = positiveInt(o.maxLength, '--max-length');
      await initBackend();
      const rows = await readJsonl(o.input);
      const texts = rows.map((row, i) => textOf(row, o.input, i));
      const { model, tokenizer } = await loadModel(o.model);
      try {
        const preds = predict(model, tokenizer, texts, { maxLength, longText: longTextFromFlags(o) });
        const items = model.head === 'regression' && model.numLabels > 1 ? (model.itemNames ?? []) : null;
        const lines = rows.map((row, i) => {
          const p = preds[i] as (typeof preds)[number];
          if (items) {
            const values = p.values ?? p.logits;
            // Wide: one value per item. Long: the line's item's value.
            if (o.itemColumn === undefined)
              return JSON.stringify({
                ...row,
                predictions: Object.fromEntries(items.map((n, j) => [n, values[j]])),
              });
            const item = String(row[o.itemColumn] ?? '');
            const j = items.indexOf(item);
            if (j < 0)
              throw new Error(
                `${o.input}: line ${i + 1}: "${item}" in "${o.itemColumn}" is not one of the items (${items.join(', ')})`,
              );
            return JSON.stringify({ ...row, item, prediction: values[j] });
          }
          const label = model.labelNames?.[p.prediction];
          return JSON.stringify({
            ...row,
            logits: p.logits,
            prediction: p.prediction,
            ...(label ? { label } : {}),
          });
        });
        await writeFile(o.output, lines.length ? `${lines.join('\n')}\n` : '');
      } finally {
        model.dispose();
      }
    },
  );
}
