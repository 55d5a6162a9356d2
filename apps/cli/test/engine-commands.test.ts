import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

// Runs the real CLI in a subprocess on the tiny-bert fixture (fixtures/tiny-bert).
const run = promisify(execFile);
const BIN = new URL('../bin/tunelab.mjs', import.meta.url).pathname;
const FIXTURE = new URL('../../../fixtures/tiny-bert/', import.meta.url).pathname;
const reference = JSON.parse(readFileSync(join(FIXTURE, 'reference.json'), 'utf8')) as {
  texts: string[];
  tokens: string[][];
  input_ids: number[][];
  logits: number[][];
};
const tunelab = (...args: string[]) =>
  run(process.execPath, [BIN, ...args], {
    env: { ...process.env, TUNELAB_BACKEND: 'wasm' },
    timeout: 120_000,
  });
const readJsonl = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tunelab-cli-'));
  writeFileSync(join(dir, 'texts.jsonl'), reference.texts.map((text) => JSON.stringify({ text })).join('\n'));
  const words = ['good', 'better', 'sad', 'tired', 'hopeless', 'mood', 'coffee', 'never'];
  const score = (w: string) =>
    ['good', 'better'].includes(w) ? 1 : ['sad', 'tired', 'hopeless'].includes(w) ? -1 : 0;
  const rows = words.flatMap((a) =>
    words.slice(0, 3).map((b) => [`${a} and ${b}`, score(a) + score(b)] as const),
  );
  writeFileSync(join(dir, 'train.csv'), `text,score\n${rows.map(([t, s]) => `"${t}",${s}`).join('\n')}\n`);
  writeFileSync(
    join(dir, 'eval.jsonl'),
    rows
      .slice(0, 8)
      .map(([text, score]) => JSON.stringify({ text, score }))
      .join('\n'),
  );
  writeFileSync(
    join(dir, 'classes.tsv'),
    `text\tmood\n${rows.map(([t, s]) => `${t}\t${s > 0 ? 'up' : s < 0 ? 'down' : 'flat'}`).join('\n')}\n`,
  );
});

describe('tunelab engine commands', { timeout: 120_000 }, () => {
  it('tokenize reproduces the reference tokens and ids', async () => {
    const out = join(dir, 'tokens.jsonl');
    await tunelab(
      'tokenize',
      '--model',
      FIXTURE,
      '--input',
      join(dir, 'texts.jsonl'),
      '--output',
      out,
      '--max-length',
      '24',
    );
    const rows = readJsonl(out);
    expect(rows.map((r) => r.tokens)).toEqual(reference.tokens);
    expect(rows.map((r) => r.input_ids)).toEqual(reference.input_ids);
  });

  it('predict reproduces the reference logits', async () => {
    const out = join(dir, 'pred.jsonl');
    await tunelab(
      'predict',
      '--model',
      FIXTURE,
      '--input',
      join(dir, 'texts.jsonl'),
      '--output',
      out,
      '--max-length',
      '24',
    );
    const rows = readJsonl(out);
    rows.forEach((r, i) => {
      const want = reference.logits[i]?.[0] as number;
      expect(Math.abs(r.logits[0] - want) / Math.abs(want)).toBeLessThan(1e-4);
      expect(r.prediction).toBe(r.logits[0]);
    });
  });

  it('train writes a loadable folder and metrics.json; eval prints the regression keys', async () => {
    const out = join(dir, 'tuned');
    const { stderr } = await tunelab(
      'train',
      '--model',
      FIXTURE,
      '--train',
      join(dir, 'train.csv'),
      '--eval',
      join(dir, 'eval.jsonl'),
      '--text-column',
      'text',
      '--label-column',
      'score',
      '--task',
      'regression',
      '--epochs',
      '1',
      '--batch-size',
      '8',
      '--lr',
      '1e-3',
      '--max-length',
      '16',
      '--out',
      out,
    );
    expect(stderr).toMatch(/step 3\/3 \(100%\) loss [\d.]+ .* eta/);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.status).toBe('completed');
    const { stdout } = await tunelab(
      'eval',
      '--model',
      out,
      '--data',
      join(dir, 'eval.jsonl'),
      '--text-column',
      'text',
      '--label-column',
      'score',
    );
    const evalMetrics = JSON.parse(stdout);
    expect(Object.keys(evalMetrics).sort()).toEqual(['accuracy', 'flexible_accuracy', 'mae', 'n', 'rmse']);
    expect(evalMetrics.n).toBe(8);
    // The exported folder reloads to the same weights: eval equals the last epoch's eval metrics.
    expect(evalMetrics.mae).toBeCloseTo(metrics.metrics.mae, 5);
    // Strict and flexible accuracy too: eval clamps to the training range stored in config.json.
    expect(evalMetrics.accuracy).toBeCloseTo(metrics.metrics.accuracy, 12);
    expect(evalMetrics.flexible_accuracy).toBeCloseTo(metrics.metrics.flexible_accuracy, 12);
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(config.tunelab_label_range).toHaveLength(2);
  });

  it('classification with named classes: eval prints accuracy and macro_f1', async () => {
    const out = join(dir, 'cls');
    await tunelab(
      'train',
      '--model',
      FIXTURE,
      '--train',
      join(dir, 'classes.tsv'),
      '--eval',
      join(dir, 'classes.tsv'),
      '--text-column',
      'text',
      '--label-column',
      'mood',
      '--task',
      'classification',
      '--epochs',
      '1',
      '--batch-size',
      '8',
      '--max-length',
      '16',
      '--out',
      out,
    );
    const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
    expect(Object.values(config.id2label).sort()).toEqual(['down', 'flat', 'up']);
    const { stdout } = await tunelab(
      'eval',
      '--model',
      out,
      '--data',
      join(dir, 'classes.tsv'),
      '--text-column',
      'text',
      '--label-column',
      'mood',
    );
    expect(Object.keys(JSON.parse(stdout)).sort()).toEqual(['accuracy', 'macro_f1', 'n']);
  });

  it('names the problem when a column is missing', async () => {
    await expect(
      tunelab(
        'eval',
        '--model',
        FIXTURE,
        '--data',
        join(dir, 'eval.jsonl'),
        '--text-column',
        'nope',
        '--label-column',
        'score',
      ),
    ).rejects.toThrow(/nope/);
  });
});
