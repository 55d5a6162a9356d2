import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readCoreEnv } from '@tunelab/core/env';
import { InputError } from '@tunelab/core/errors';
import {
  createChatClient,
  generateText,
  realRowsRefusal,
  type TEndpoint,
  type TFewShotRow,
} from '@tunelab/core/llm';
import {
  batchDiversity,
  checkTexts,
  endpointHost,
  expandPlan,
  redactKey,
  ZConnectionInput,
  ZGenerationSpec,
} from '@tunelab/core/synth';
import { readLabelledFile } from '@tunelab/core/train';
import type { Command } from 'commander';
import { positiveInt } from './tokenize.ts';

interface GenerateFlags {
  spec: string;
  baseUrl: string;
  model: string;
  keyFile?: string;
  real?: string;
  textColumn: string;
  labelColumn: string;
  allowRealRows?: boolean;
  retries: string;
  backoffMs: string;
  out: string;
}

/**
 * `tunelab generate --spec SPEC.json --base-url URL --model NAME --out DIR`: runs a generation plan
 * against an OpenAI-compatible endpoint with the worker's prompt and retry code (core llm
 * generateText) and checks (core synth checkTexts), writing OUT/texts.jsonl (uploadable as a
 * synthetic dataset) and OUT/review-queue.jsonl. The key comes from TUNELAB_LLM_API_KEY or
 * --key-file, never a flag, and is never written.
 */
export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description(
      'write synthetic texts for a plan through an OpenAI-compatible endpoint; OUT/texts.jsonl and OUT/review-queue.jsonl, a JSON summary on stdout',
    )
    .requiredOption(
      '--spec <file>',
      'generation settings as JSON, as the dashboard stores them: {"plan":[{"item","score","count"}],"template","scale","fewShot","temperature","seed","maxTokens"}',
    )
    .requiredOption('--base-url <url>', 'the endpoint, e.g. http://127.0.0.1:11434/v1')
    .requiredOption('--model <name>', 'the model the endpoint serves')
    .option('--key-file <file>', 'a file holding the API key (default: env TUNELAB_LLM_API_KEY, else no key)')
    .option(
      '--real <file>',
      'real rows (CSV, TSV or JSONL): few-shot examples and the checks compare against them',
    )
    .option('--text-column <name>', 'text column of --real', 'text')
    .option('--label-column <name>', 'label column of --real', 'label')
    .option('--allow-real-rows', 'send few-shot examples from --real to an endpoint outside this machine')
    .option('--retries <n>', 'retries of one request after 429 / 5xx / a dropped connection', '5')
    .option('--backoff-ms <n>', 'first wait before a retry (doubles)', '1000')
    .requiredOption('--out <dir>', 'output folder')
    .action(async (o: GenerateFlags) => {
      const spec = await readSpec(o.spec);
      const connection = ZConnectionInput.pick({ baseUrl: true, model: true }).safeParse({
        baseUrl: o.baseUrl,
        model: o.model,
      });
      if (!connection.success)
        throw new InputError(`--base-url / --model: ${connection.error.issues[0]?.message}`);
      const apiKey = o.keyFile ? await readKeyFile(o.keyFile) : (readCoreEnv().TUNELAB_LLM_API_KEY ?? null);
      const endpoint: TEndpoint = { ...connection.data, apiKey };
      const host = endpointHost(endpoint.baseUrl);
      const real: TFewShotRow[] = o.real
        ? (
            await readLabelledFile(o.real, {
              textColumn: o.textColumn,
              labelColumn: o.labelColumn,
              task: 'regression',
            })
          ).examples.map((e, i) => ({
            id: `${basename(o.real as string)}:${i + 1}`,
            text: e.text,
            label: e.label,
          }))
        : [];
      if (spec.fewShot > 0 && real.length === 0)
        throw new InputError(`${basename(o.spec)}: fewShot is ${spec.fewShot} but no --real rows were given`);
      const refusal = realRowsRefusal(spec, {
        name: '--base-url',
        baseUrl: endpoint.baseUrl,
        allowRealRows: o.allowRealRows === true,
      });
      if (refusal)
        throw new InputError(refusal.replace('allow real rows on the connection', 'pass --allow-real-rows'));

      const client = createChatClient(endpoint);
      const policy = {
        attempts: positiveIntOrZero(o.retries, '--retries'),
        backoffMs: positiveIntOrZero(o.backoffMs, '--backoff-ms'),
        onRetry: (message: string) => {
          process.stderr.write(`tunelab generate: ${redactKey(message, apiKey)}\n`);
        },
      };
      const planned = expandPlan(spec.plan);
      const texts: {
        id: string;
        position: number;
        item: string | null;
        target: number;
        text: string;
        prompt: string;
        seed: number;
        fewShotRowIds: string[];
      }[] = [];
      let promptTokens = 0;
      let completionTokens = 0;
      let model = endpoint.model;
      for (const p of planned) {
        const made = await generateText(client, endpoint, spec, p, real, policy);
        texts.push({
          id: `text-${p.index + 1}`,
          position: p.index,
          item: p.item,
          target: p.score,
          text: made.result.text,
          prompt: made.prompt,
          seed: made.seed,
          fewShotRowIds: made.shots.map((s) => s.id),
        });
        promptTokens += made.result.promptTokens;
        completionTokens += made.result.completionTokens;
        model = made.result.model;
        process.stderr.write(`tunelab generate: ${texts.length}/${planned.length} texts\n`);
      }
      const checks = checkTexts(texts, real);
      const diversity = batchDiversity(texts.map((t) => t.text));
      await mkdir(o.out, { recursive: true });
      const jsonl = (rows: unknown[]) =>
        rows
          .map((r) => JSON.stringify(r))
          .join('\n')
          .concat('\n');
      await writeFile(
        join(o.out, 'texts.jsonl'),
        jsonl(texts.map((t) => ({ text: t.text, label: t.target, item: t.item, source: 'synthetic' }))),
      );
      await writeFile(
        join(o.out, 'review-queue.jsonl'),
        jsonl(
          texts.map((t) => ({
            ...t,
            origin: 'generated',
            status: 'pending',
            reviewsWanted: spec.reviews,
            endpoint: { baseUrl: endpoint.baseUrl, model },
            temperature: spec.temperature,
            checks: checks.get(t.id) ?? null,
          })),
        ),
      );
      const flagged = [...checks.values()].filter(
        (c) => c.nearDuplicateOfReal || c.copiedFewShot || c.duplicateOf,
      ).length;
      const summary = {
        texts: texts.length,
        flagged,
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        diversity: diversity.diversity,
        distinct2: diversity.distinct2,
        host,
        real_rows_sent: texts.reduce((n, t) => n + t.fewShotRowIds.length, 0),
      };
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    });
}

async function readSpec(path: string) {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new InputError(`${basename(path)}: ${(error as Error).message}`);
  }
  const parsed = ZGenerationSpec.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(`${basename(path)}: ${issue?.path.join('.') || 'spec'}: ${issue?.message}`);
  }
  return parsed.data;
}

async function readKeyFile(path: string): Promise<string> {
  const key = (await readFile(path, 'utf8')).trim();
  if (!key) throw new InputError(`--key-file ${basename(path)} is empty`);
  return key;
}

function positiveIntOrZero(value: string, flag: string): number {
  return value === '0' ? 0 : positiveInt(value, flag);
}
