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

  it('long 3-item scale, judged on real rows only: per-item mean ± sample std and error reduction', async () => {
    const items = ['sadness', 'sleep', 'appetite'];
    const words = ['calm', 'low', 'tired', 'hopeless', 'restless', 'empty', 'worn', 'fine', 'sad'];
    // 9 interviews × 3 items; interviews 6–8 are synthetic
    const lines = words.flatMap((w, d) =>
      items.map(
        (item, j) =>
          `"${w} ${words[(d + j + 1) % 9]} ${item}",${item},${(d % 3) * 2 + j},doc${d},${d >= 6 ? 'synthetic' : 'real'}`,
      ),
    );
    const header = 'text,item,score,doc,origin';
    writeFileSync(join(dir, 'long-train.csv'), `${header}\n${lines.slice(0, 18).join('\n')}\n`);
    writeFileSync(join(dir, 'long-eval.csv'), `${header}\n${lines.slice(18).join('\n')}\n`);
    const out = join(dir, 'cv-long');
    const { stderr } = await tunelab(
      'train',
      '--model',
      FIXTURE,
      '--train',
      join(dir, 'long-train.csv'),
      '--eval',
      join(dir, 'long-eval.csv'),
      '--text-column',
      'text',
      '--item-column',
      'item',
      '--label-column',
      'score',
      '--group-column',
      'doc',
      '--source-column',
      'origin',
      '--eval-source',
      'real',
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
      '--out',
      out,
    );
    const { cv } = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(cv).toMatchObject({ k: 3, grouped: true, eval_source: 'real', std_kind: 'sample' });
    expect(cv.reference).toBe('mean of train labels, per item');
    expect(stderr).toMatch(/eval rows \(real rows only\)/);
    type TFold = {
      eval_rows: number;
      train_rows: number;
      metrics: Record<string, number> & { items: Record<string, Record<string, number>> };
      reference: { items: Record<string, Record<string, number>> };
    };
    const folds = cv.folds as TFold[];
    // every fold trains on all rows of the others (27 rows in all) and judges its real rows: 18 real rows in all
    expect(folds.reduce((t, f) => t + f.eval_rows, 0)).toBe(18);
    expect(folds.reduce((t, f) => t + (27 - f.train_rows), 0)).toBe(27); // each row held out once
    const mean = (xs: number[]) => xs.reduce((t, x) => t + x, 0) / xs.length;
    const std = (xs: number[]) =>
      Math.sqrt(xs.reduce((t, x) => t + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
    for (const item of items) {
      for (const f of folds) {
        const m = f.metrics.items[item] as Record<string, number>;
        const r = f.reference.items[item] as Record<string, number>;
        expect(m.error_reduction_mae).toBeCloseTo(1 - (m.mae as number) / (r.mae as number), 12);
      }
      for (const key of ['mae', 'accuracy', 'flexible_accuracy', 'error_reduction_mae']) {
        const xs = folds.map((f) => f.metrics.items[item]?.[key] as number);
        expect(cv.mean.items[item][key]).toBeCloseTo(mean(xs), 12);
        expect(cv.std.items[item][key]).toBeCloseTo(std(xs), 12);
      }
    }
    // the top-level figures are the folds' means over items
    for (const f of folds)
      expect(f.metrics.mae).toBeCloseTo(mean(items.map((i) => f.metrics.items[i]?.mae as number)), 12);
    expect(cv.mean.mae).toBeCloseTo(mean(folds.map((f) => f.metrics.mae as number)), 12);
  }, 240_000);
});
