import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { initBackend } from '@tunelab/core/backend';
import { pretrainMlm } from '@tunelab/core/pretrain';
import { readSafetensorsFile } from '@tunelab/core/safetensors';
import { saveModel } from '@tunelab/core/train';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The researcher's loop on the CLI, on a masked-LM base exactly like the in-app pretrained one (no
// pooler, cls.predictions.*): `tunelab train` twice on it (two domains), `tunelab vectors`, a TIES
// `tunelab merge` on that base, then `tunelab eval` of the merge on both domains.
const run = promisify(execFile);
const BIN = new URL('../bin/tunelab.mjs', import.meta.url).pathname;
const tunelab = async (...args: string[]) =>
  (
    await run(process.execPath, [BIN, ...args], {
      env: { ...process.env, TUNELAB_BACKEND: 'wasm', TUNELAB_THREADS: '1' },
      timeout: 150_000,
    })
  ).stdout;

const POSITIVE = ['good', 'great', 'happy', 'calm', 'kind', 'bright', 'warm', 'hopeful'];
const NEGATIVE = ['bad', 'sad', 'tired', 'angry', 'cold', 'dull', 'lonely', 'hopeless'];
const NOUNS = ['day', 'film', 'week', 'visit', 'talk', 'walk'];

let dir: string;
let base: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tunelab-cli-mlm-'));
  // A small BertForMaskedLM pretrained in process, as run.pretrain does (pretrainMlm + saveModel).
  const corpus = [...POSITIVE, ...NEGATIVE].flatMap((a) => NOUNS.map((n) => `a ${a} ${n} and a ${n}`));
  await initBackend('wasm');
  const { model, tokenizer } = await pretrainMlm(corpus, {
    config: { hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 2, intermediate_size: 64 },
    vocabSize: 120,
    maxLength: 16,
    batchSize: 16,
    epochs: 1,
    seed: 3,
  });
  base = join(dir, 'mlm-base');
  await saveModel(base, model, tokenizer);
  model.dispose();
  const score = (a: string) => (POSITIVE.includes(a) ? 2 : -2);
  const domain = (template: (a: string, n: string) => string) =>
    [...POSITIVE, ...NEGATIVE].flatMap((a) => NOUNS.map((n) => [template(a, n), score(a)] as const));
  for (const [name, rows] of [
    ['reviews', domain((a, n) => `the ${n} was ${a}`)],
    ['diary', domain((a, n) => `today i felt ${a} after the ${n}`)],
  ] as const) {
    const csv = (part: typeof rows) => `text,score\n${part.map(([t, s]) => `"${t}",${s}`).join('\n')}\n`;
    await writeFile(join(dir, `${name}-train.csv`), csv(rows.filter((_, i) => i % 4 !== 0)));
    await writeFile(join(dir, `${name}-eval.csv`), csv(rows.filter((_, i) => i % 4 === 0)));
  }
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('tunelab on a masked-LM base', { timeout: 300_000 }, () => {
  it('train, vectors, a TIES merge on that base and eval of the merge all succeed', async () => {
    const baseTensors = await readSafetensorsFile(join(base, 'model.safetensors'));
    expect([...baseTensors.keys()].some((k) => k.startsWith('cls.predictions.'))).toBe(true);
    expect([...baseTensors.keys()].some((k) => k.startsWith('bert.pooler.'))).toBe(false);

    const tuned: string[] = [];
    for (const [i, name] of ['reviews', 'diary'].entries()) {
      const out = join(dir, `tuned-${name}`);
      const trained = JSON.parse(
        await tunelab(
          'train',
          ...[
            '--model',
            base,
            '--train',
            join(dir, `${name}-train.csv`),
            '--eval',
            join(dir, `${name}-eval.csv`),
          ],
          ...['--text-column', 'text', '--label-column', 'score', '--task', 'regression'],
          ...[
            '--epochs',
            '3',
            '--lr',
            '0.003',
            '--batch-size',
            '16',
            '--max-length',
            '12',
            '--seed',
            String(i),
          ],
          ...['--out', out],
        ),
      );
      expect(trained.status).toBe('completed');
      expect(Number.isFinite(trained.metrics.mae)).toBe(true);
      const stored = JSON.parse(await readFile(join(out, 'metrics.json'), 'utf8'));
      expect(stored.metrics.mae).toBe(trained.metrics.mae);
      const t = await readSafetensorsFile(join(out, 'model.safetensors'));
      expect(t.has('bert.pooler.dense.weight') && t.has('classifier.bias')).toBe(true);
      tuned.push(out);
    }

    const report = join(dir, 'vectors.json');
    const vectors = JSON.parse(
      await tunelab(
        'vectors',
        '--base',
        base,
        ...tuned.flatMap((t) => ['--tuned', t]),
        '--out',
        report,
        '--quiet',
      ),
    );
    // pooler (2) and classifier (2) in each fine-tune only; the MLM head in the base only.
    expect(vectors).toMatchObject({ out: report, added: 4 });
    expect(vectors.tensors).toBeGreaterThan(20);
    expect(vectors.dropped).toBeGreaterThan(0);
    const full = JSON.parse(await readFile(report, 'utf8')) as {
      unshared: { tensor: string; side: string }[];
      overall: { similarity: number[][] };
    };
    expect(full.unshared.filter((u) => u.side === 'dropped').every((u) => u.tensor.startsWith('cls.'))).toBe(
      true,
    );
    expect(full.overall.similarity[0]?.[1]).toBeGreaterThan(-1);

    const config = join(dir, 'ties.yml');
    await writeFile(
      config,
      `merge_method: ties\nbase_model: mlm-base\nmodels:\n${tuned.map((t) => `  - model: ${t}\n    parameters: {weight: 1, density: 0.5}\n`).join('')}parameters: {lambda: 1}\n`,
    );
    const merged = join(dir, 'merged');
    const summary = JSON.parse(await tunelab('merge', '--config', config, '--out', merged, '--quiet'));
    expect(summary.method).toBe('ties');
    expect(summary.added).toEqual(expect.arrayContaining(['bert.pooler.dense.weight', 'classifier.bias']));
    expect(summary.dropped.every((name: string) => name.startsWith('cls.'))).toBe(true);
    const m = await readSafetensorsFile(join(merged, 'model.safetensors'));
    expect([...m.keys()].some((k) => k.startsWith('cls.'))).toBe(false);
    expect(JSON.parse(await readFile(join(merged, 'config.json'), 'utf8'))).toMatchObject({ num_labels: 1 });

    // eval of the merge on both domains; on the first, against the untuned base exactly as the study
    // used it (its untrained head), then against a fine-tune with its own head, on the same rows
    const evalOn = async (name: string, ...extra: string[]) =>
      JSON.parse(
        await tunelab(
          'eval',
          ...['--model', merged, '--data', join(dir, `${name}-eval.csv`)],
          ...['--text-column', 'text', '--label-column', 'score', '--max-length', '12', ...extra],
        ),
      );
    const diary = await evalOn('diary');
    const vsBase = await evalOn('reviews', '--reference-model', base);
    for (const metrics of [diary, vsBase]) {
      expect(metrics.n).toBe(24);
      // the labels are ±2, the range [-2, 2]: an MAE above 4 could not come from clamped predictions
      expect(metrics.mae).toBeGreaterThanOrEqual(0);
      expect(metrics.mae).toBeLessThanOrEqual(4);
      expect(metrics.flexible_accuracy).toBeGreaterThanOrEqual(0);
      expect(metrics.flexible_accuracy).toBeLessThanOrEqual(1);
    }
    expect(diary.reference).toBeUndefined();
    expect(vsBase.reference.kind).toBe('model "mlm-base" (untrained head, seed 0)');
    expect(vsBase.reference.n).toBe(vsBase.n);
    expect(vsBase.error_reduction.mae).toBeCloseTo(1 - vsBase.mae / vsBase.reference.mae, 10);
    expect(vsBase.error_reduction.flexible).toBe(
      vsBase.reference.flexible_accuracy === 1
        ? null
        : 1 - (1 - vsBase.flexible_accuracy) / (1 - vsBase.reference.flexible_accuracy),
    );
    const vsTuned = await evalOn('reviews', '--reference-model', tuned[0] as string);
    expect(vsTuned.reference.kind).toBe('model "tuned-reviews" (its own head)');
    expect(vsTuned.mae).toBe(vsBase.mae);
  });
});
