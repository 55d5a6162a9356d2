import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { initBackend } from '@tunelab/core/backend';
import { BertModel } from '@tunelab/core/bert';
import { importHfModel } from '@tunelab/core/hf';
import { saveModel } from '@tunelab/core/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../bin/tunelab.mjs');
const TINY = join(import.meta.dirname, '../../../../fixtures/tiny-bert');
const work = await mkdtemp(join(tmpdir(), 'tunelab-cli-eval-'));
afterAll(() => rm(work, { recursive: true, force: true }));

/** Saves a regression model that predicts `bias` for every text, with an optional stored range. */
async function constantModel(name: string, bias: number, range: [number, number] | null): Promise<string> {
  const imported = await importHfModel(TINY);
  const hidden = imported.config.hidden_size;
  const tensors = new Map(imported.tensors);
  tensors.set('classifier.weight', { shape: [1, hidden], data: new Float32Array(hidden) });
  tensors.set('classifier.bias', { shape: [1], data: Float32Array.of(bias) });
  const model = BertModel.fromTensors(imported.config, tensors, { head: 'regression', seed: 1 });
  model.labelRange = range;
  const dir = join(work, name);
  await saveModel(dir, model, imported.tokenizer);
  model.dispose();
  return dir;
}

// Labels 3, 3, 2 span only 2..3. The model predicts 5.6 and was trained on 0..6: clamped to 0..6 it
// rounds to 6 and misses every row. The old behaviour clamped to the file's 2..3, giving 3: 2/3 hits.
const data = join(work, 'eval.jsonl');
let stored: string;
let unstored: string;
beforeAll(async () => {
  await initBackend('cpu', () => {});
  await writeFile(
    data,
    ['good', 'sad', 'coffee'].map((text, i) => JSON.stringify({ text, score: [3, 3, 2][i] })).join('\n'),
  );
  stored = await constantModel('stored', 5.6, [0, 6]);
  unstored = await constantModel('unstored', 5.6, null);
}, 60_000);

const evalArgs = (model: string, ...extra: string[]) => [
  CLI,
  'eval',
  '--model',
  model,
  '--data',
  data,
  '--text-column',
  'text',
  '--label-column',
  'score',
  ...extra,
];

describe('tunelab eval', () => {
  it("clamps to the model's stored training range, not to the eval file's min/max", async () => {
    expect(JSON.parse(await readFile(join(stored, 'config.json'), 'utf8')).tunelab_label_range).toEqual([
      0, 6,
    ]);
    const { stdout } = await run('node', evalArgs(stored));
    const m = JSON.parse(stdout);
    expect(m.accuracy).toBe(0);
    // within ±1 of 6: none of 3, 3, 2; with --tolerance 3: the two 3s
    expect(m.flexible_accuracy).toBe(0);
    expect(m.mae).toBeCloseTo((2.6 + 2.6 + 3.6) / 3, 4);
    const wide = JSON.parse((await run('node', evalArgs(stored, '--tolerance', '3'))).stdout);
    expect(wide.flexible_accuracy).toBeCloseTo(2 / 3, 12);
  }, 120_000);

  it('--label-range overrides; a model without a stored range is not clamped (and says so)', async () => {
    const narrow = JSON.parse((await run('node', evalArgs(stored, '--label-range', '0,3'))).stdout);
    expect(narrow.accuracy).toBeCloseTo(2 / 3, 12);
    const { stdout, stderr } = await run('node', evalArgs(unstored));
    expect(JSON.parse(stdout).accuracy).toBe(0);
    expect(stderr).toMatch(/stores no label range/);
    await expect(run('node', evalArgs(stored, '--label-range', '6,0'))).rejects.toThrow(
      /--label-range must be MIN,MAX/,
    );
    await expect(run('node', evalArgs(stored, '--max-length', '4'))).rejects.toThrow(/--max-length/);
  }, 120_000);
});
