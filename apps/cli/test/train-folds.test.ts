import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// `tunelab train --folds K` in a subprocess on the tiny-bert fixture.
const run = promisify(execFile);
const BIN = new URL('../bin/tunelab.mjs', import.meta.url).pathname;
const FIXTURE = new URL('../../../fixtures/tiny-bert/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'tunelab-cli-folds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tunelab = (...args: string[]) =>
  run(process.execPath, [BIN, ...args], {
    env: { ...process.env, TUNELAB_BACKEND: 'wasm' },
    timeout: 180_000,
  });

describe('tunelab train --folds', () => {
  it('writes metrics.json with cv folds, mean and sample std, documents kept whole', async () => {
    const words = ['good', 'sad', 'fine', 'tired', 'better', 'hopeless'];
    // 6 interviews × 3 segments; an interview's segments share its score
    const rows = words.flatMap((w, d) => [0, 1, 2].map((s) => `"${w} segment ${s}",${d % 3},doc${d}`));
    writeFileSync(join(dir, 'train.csv'), `text,score,doc\n${rows.slice(0, 12).join('\n')}\n`);
    writeFileSync(join(dir, 'eval.csv'), `text,score,doc\n${rows.slice(12).join('\n')}\n`);
    const out = join(dir, 'cv');
    const args = [
      'train',
      '--model',
      FIXTURE,
      '--train',
      join(dir, 'train.csv'),
      '--eval',
      join(dir, 'eval.csv'),
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
      '--max-length',
      '16',
      '--folds',
      '3',
      '--group-column',
      'doc',
      '--out',
      out,
    ];
    const { stdout, stderr } = await tunelab(...args);
    const { cv } = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(JSON.parse(stdout).cv).toEqual(cv);
    expect(cv).toMatchObject({ k: 3, seed: 0, grouped: true, std_kind: 'sample' });
    expect(cv.folds).toHaveLength(3);
    // 18 rows of 6 whole documents over 3 folds: every fold scores 2 documents
    expect(cv.folds.map((f: { eval_rows: number }) => f.eval_rows)).toEqual([6, 6, 6]);
    expect(stderr).toMatch(/fold 2 of 3: 12 train rows, 6 eval rows/);
    const maes = cv.folds.map((f: { metrics: { mae: number } }) => f.metrics.mae);
    const mean = maes.reduce((t: number, x: number) => t + x, 0) / 3;
    expect(cv.mean.mae).toBeCloseTo(mean, 12);
    expect(cv.std.mae).toBeCloseTo(
      Math.sqrt(maes.reduce((t: number, x: number) => t + (x - mean) ** 2, 0) / 2),
      12,
    );
    expect(JSON.parse(readFileSync(join(out, 'fold-1', 'config.json'), 'utf8'))).toHaveProperty(
      'hidden_size',
    );
    // a group column without --folds is refused
    await expect(
      tunelab(...args.filter((a, i) => a !== '--folds' && args[i - 1] !== '--folds')),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('--group-column groups the folds of --folds'),
    });
  }, 240_000);
});
