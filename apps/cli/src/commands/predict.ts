import { writeFile } from 'node:fs/promises';
import { initBackend } from '@tunelab/core/backend';
import { loadModel, predict, readJsonl, textOf } from '@tunelab/core/train';
import type { Command } from 'commander';
import { positiveInt } from './tokenize.ts';

/** `tunelab predict --model DIR --input FILE.jsonl --output FILE.jsonl [--max-length N]`. */
export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('add "logits" and "prediction" to each {"text": …} line')
    .requiredOption('--model <dir>', 'fine-tuned Hugging Face style folder')
    .requiredOption('--input <file>', 'JSONL input, one {"text": …} per line')
    .requiredOption('--output <file>', 'JSONL output')
    .option('--max-length <n>', 'truncate to N tokens', '128')
    .action(async (o: { model: string; input: string; output: string; maxLength: string }) => {
      const maxLength = positiveInt(o.maxLength, '--max-length');
      await initBackend();
      const rows = await readJsonl(o.input);
      const texts = rows.map((row, i) => textOf(row, o.input, i));
      const { model, tokenizer } = await loadModel(o.model);
      try {
        const preds = predict(model, tokenizer, texts, { maxLength });
        const lines = rows.map((row, i) => {
          const p = preds[i] as (typeof preds)[number];
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
    });
}
