import { writeFile } from 'node:fs/promises';
import { loadTokenizerFromDir } from '@tunelab/core/tokenizer';
import { readJsonl, textOf } from '@tunelab/core/train';
import type { Command } from 'commander';

/** `tunelab tokenize --model DIR --input FILE.jsonl --output FILE.jsonl [--max-length N]`: what the model sees. */
export function registerTokenize(program: Command): void {
  program
    .command('tokenize')
    .description('add "input_ids" and "tokens" ([CLS] … [SEP], truncated) to each {"text": …} line')
    .requiredOption('--model <dir>', 'Hugging Face style folder (vocab.txt or tokenizer.json)')
    .requiredOption('--input <file>', 'JSONL input, one {"text": …} per line')
    .requiredOption('--output <file>', 'JSONL output')
    .option('--max-length <n>', 'truncate to N tokens including [CLS]/[SEP]', '512')
    .action(async (o: { model: string; input: string; output: string; maxLength: string }) => {
      const maxLength = positiveInt(o.maxLength, '--max-length');
      const { tokenizer } = await loadTokenizerFromDir(o.model);
      const rows = await readJsonl(o.input);
      const lines = rows.map((row, i) => {
        const e = tokenizer.encode(textOf(row, o.input, i), maxLength);
        return JSON.stringify({ ...row, input_ids: e.ids, tokens: e.tokens });
      });
      await writeFile(o.output, lines.length ? `${lines.join('\n')}\n` : '');
    });
}

export function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

export function positiveNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number, got "${value}"`);
  return n;
}

export function finiteNumber(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`${flag} must be a number, got "${value}"`);
  return n;
}
