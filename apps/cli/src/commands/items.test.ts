import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// Multi-item scales through the CLI, in both shapes: train, eval (per-item JSON and means), predict.
const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../bin/tunelab.mjs');
const TINY = join(import.meta.dirname, '../../../../fixtures/tiny-bert');
const work = await mkdtemp(join(tmpdir(), 'tunelab-cli-items-'));
afterAll(() => rm(work, { recursive: true, force: true }));

const WORDS = ['good', 'better', 'sad', 'tired', 'hopeless', 'mood', 'coffee', 'never', 'doctor', 'family'];
const score = (w: string) =>
  ['good', 'better'].includes(w) ? 2 : ['sad', 'tired', 'hopeless'].includes(w) ? -2 : 0;
const rows = Array.from({ length: 30 }, (_, i) => {
  const text = `${WORDS[i % 10]} ${WORDS[(i * 7 + 3) % 10]}`;
  const [a, b] = text.split(' ') as [string, string];
  return { text, mood: score(a) + score(b) + 4, sleep: Math.abs(score(a)), appetite: i % 3 };
});
const ITEMS = ['mood', 'sleep', 'appetite'] as const;

async function trainArgs(shape: 'wide' | 'long'): Promise<string[]> {
  const file = join(work, `${shape}.csv`);
  const lines =
    shape === 'wide'
      ? // every 4th row has no sleep label: masked for that item
        [
          'text,mood,sleep,appetite',
          ...rows.map((r, i) => `${r.text},${r.mood},${i % 4 === 0 ? '' : r.sleep},${r.appetite}`),
        ]
      : ['text,item,score', ...rows.flatMap((r) => ITEMS.map((item) => `${r.text},${item},${r[item]}`))];
  await writeFile(file, `${lines.join('\n')}\n`);
  const columns =
    shape === 'wide'
      ? ['--label-column', 'mood,sleep,appetite']
      : ['--item-column', 'item', '--label-column', 'score'];
  return [file, ...columns];
}

describe.each(['wide', 'long'] as const)('tunelab with a 3-item scale, %s shape', (shape) => {
  it('train writes a 3-output regression model; eval prints per-item figures and their means; predict', async () => {
    const [file, ...columns] = await trainArgs(shape);
    const out = join(work, `model-${shape}`);
    const common = ['--text-column', 'text', ...columns];
    const trained = await run('node', [
      CLI,
      'train',
      '--model',
      TINY,
      '--train',
      file as string,
      '--eval',
      file as string,
      ...common,
      '--task',
      'regression',
      '--epochs',
      '1',
      '--batch-size',
      '8',
      '--max-length',
      '16',
      '--lr',
      '1e-3',
      '--out',
      out,
    ]);
    expect(Object.keys(JSON.parse(trained.stdout).metrics.items)).toEqual(
      shape === 'wide' ? [...ITEMS] : ['appetite', 'mood', 'sleep'],
    );
    const config = JSON.parse(await readFile(join(out, 'config.json'), 'utf8'));
    expect(config.num_labels).toBe(3);
    expect(config.problem_type).toBe('regression');

    const { stdout } = await run('node', [CLI, 'eval', '--model', out, '--data', file as string, ...common]);
    const m = JSON.parse(stdout);
    expect(Object.keys(m.items).sort()).toEqual([...ITEMS].sort());
    for (const key of ['mae', 'accuracy', 'flexible_accuracy'])
      expect(m[key]).toBeCloseTo(ITEMS.reduce((s, item) => s + m.items[item][key], 0) / 3, 10);
    expect(m.items.mood.n).toBe(30);
    expect(m.items.sleep.n).toBe(shape === 'wide' ? 22 : 30);

    const input = join(work, `in-${shape}.jsonl`);
    const output = join(work, `out-${shape}.jsonl`);
    await writeFile(input, `${JSON.stringify({ text: 'good mood', item: 'sleep' })}\n`);
    await run('node', [
      CLI,
      'predict',
      '--model',
      out,
      '--input',
      input,
      '--output',
      output,
      '--max-length',
      '16',
      ...(shape === 'long' ? ['--item-column', 'item'] : []),
    ]);
    const line = JSON.parse(await readFile(output, 'utf8'));
    if (shape === 'wide') expect(Object.keys(line.predictions)).toEqual([...ITEMS]);
    else expect(line).toMatchObject({ item: 'sleep', prediction: expect.any(Number) });
  }, 180_000);
});
