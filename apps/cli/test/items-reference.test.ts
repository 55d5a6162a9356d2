import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { initBackend } from '@tunelab/core/backend';
import { parseSearchSpec } from '@tunelab/core/merge-search';
import { scoreFolderOnDomains } from '@tunelab/core/merge-search/node';
import { loadModel, predict } from '@tunelab/core/train';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSearchDomains } from '../src/commands/merge-search.ts';

// The study's comparison from the CLI: a 3-item model against the untuned base exactly as the
// MADRS-BERT study used it (its untrained head, one output per item, seeded), per item and over
// items. Every figure is recomputed here from the two models' predictions.
const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../bin/tunelab.mjs');
const TINY = join(import.meta.dirname, '../../../fixtures/tiny-bert');
const work = await mkdtemp(join(tmpdir(), 'tunelab-cli-items-ref-'));
afterAll(() => rm(work, { recursive: true, force: true }));

const WORDS = ['good', 'better', 'sad', 'tired', 'hopeless', 'mood', 'coffee', 'never', 'doctor', 'family'];
const score = (w: string) =>
  ['good', 'better'].includes(w) ? 2 : ['sad', 'tired', 'hopeless'].includes(w) ? -2 : 0;
const ITEMS = ['mood', 'sleep', 'appetite'] as const;
// wide rows; every 4th row has no sleep label (masked for that item, not dropped)
const rows = Array.from({ length: 30 }, (_, i) => {
  const text = `${WORDS[i % 10]} ${WORDS[(i * 7 + 3) % 10]}`;
  const [a, b] = text.split(' ') as [string, string];
  return {
    text,
    labels: [score(a) + score(b) + 4, i % 4 === 0 ? null : Math.abs(score(a)), i % 3] as (number | null)[],
  };
});
const MAX_LENGTH = '16';

interface Figures {
  mae: number;
  flexible_accuracy: number;
  n: number;
}
interface EvalJson extends Figures {
  items: Record<string, Figures>;
  reference: Figures & { kind: string; items: Record<string, Figures> };
  error_reduction: {
    mae: number | null;
    flexible: number | null;
    items: Record<string, { mae: number | null; flexible: number | null }>;
  };
}

/** MAE and flexible accuracy (k = 1, clamped to [lo, hi], rounded half away from zero) of one item. */
function figures(predictions: number[], j: number, [lo, hi]: [number, number]): Figures {
  const pairs = rows.flatMap((r, i) =>
    r.labels[j] == null ? [] : [{ y: r.labels[j] as number, p: predictions[i] as number }],
  );
  const rounded = (p: number) => {
    const x = Math.min(hi, Math.max(lo, p));
    return Math.sign(x) * Math.round(Math.abs(x));
  };
  return {
    mae: pairs.reduce((s, { p, y }) => s + Math.abs(p - y), 0) / pairs.length,
    flexible_accuracy: pairs.filter(({ p, y }) => Math.abs(rounded(p) - y) <= 1).length / pairs.length,
    n: pairs.length,
  };
}

describe('tunelab eval --reference-model on a 3-item model', () => {
  it('scores the base per item with its untrained head; error reduction per item and over items', async () => {
    const file = join(work, 'wide.csv');
    await writeFile(
      file,
      `text,mood,sleep,appetite\n${rows.map((r) => [r.text, ...r.labels.map((y) => y ?? '')].join(',')).join('\n')}\n`,
    );
    const columns = ['--text-column', 'text', '--label-column', ITEMS.join(',')];
    const out = join(work, 'model');
    await run('node', [
      CLI,
      'train',
      ...['--model', TINY, '--train', file, '--eval', file, ...columns],
      ...['--task', 'regression', '--epochs', '2', '--batch-size', '8', '--max-length', MAX_LENGTH],
      ...['--lr', '1e-3', '--out', out],
    ]);
    const { stdout } = await run('node', [
      CLI,
      'eval',
      ...['--model', out, '--data', file, ...columns, '--max-length', MAX_LENGTH],
      ...['--reference-model', TINY],
    ]);
    const m = JSON.parse(stdout) as EvalJson;
    expect(m.reference.kind).toBe('model "tiny-bert" (untrained head, seed 0)');
    expect(Object.keys(m.reference.items)).toEqual([...ITEMS]);
    expect(Object.keys(m.error_reduction.items)).toEqual([...ITEMS]);

    // The run's predictions (tunelab predict) and the reference's: the base with a fresh 3-output
    // head from seed 0, in process.
    const input = join(work, 'texts.jsonl');
    const output = join(work, 'predictions.jsonl');
    await writeFile(input, `${rows.map((r) => JSON.stringify({ text: r.text })).join('\n')}\n`);
    await run('node', [
      CLI,
      'predict',
      ...['--model', out, '--input', input, '--output', output, '--max-length', MAX_LENGTH],
    ]);
    const runPredictions = (await readFile(output, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).predictions as Record<string, number>);
    await initBackend();
    const base = await loadModel(TINY, { task: 'regression', numLabels: 3, seed: 0 });
    const refValues = predict(
      base.model,
      base.tokenizer,
      rows.map((r) => r.text),
      { maxLength: Number(MAX_LENGTH) },
    ).map((p) => p.values ?? p.logits);
    base.model.dispose();

    const reduction = (model: number, reference: number) => (reference === 0 ? null : 1 - model / reference);
    ITEMS.forEach((item, j) => {
      const ys = rows.map((r) => r.labels[j]).filter((y): y is number => y != null);
      const range: [number, number] = [Math.min(...ys), Math.max(...ys)];
      const mine = figures(
        runPredictions.map((p) => p[item] as number),
        j,
        range,
      );
      const ref = figures(
        refValues.map((v) => v[j] as number),
        j,
        range,
      );
      expect(m.items[item]?.n).toBe(item === 'sleep' ? 22 : 30);
      expect(m.reference.items[item]?.n).toBe(m.items[item]?.n);
      expect(m.items[item]?.mae).toBeCloseTo(mine.mae, 5);
      expect(m.reference.items[item]?.mae).toBeCloseTo(ref.mae, 5);
      expect(m.reference.items[item]?.flexible_accuracy).toBeCloseTo(ref.flexible_accuracy, 10);
      const er = m.error_reduction.items[item];
      expect(er?.mae).toBeCloseTo(reduction(mine.mae, ref.mae) as number, 5);
      const flexible = reduction(1 - mine.flexible_accuracy, 1 - ref.flexible_accuracy);
      if (flexible === null) expect(er?.flexible).toBeNull();
      else expect(er?.flexible).toBeCloseTo(flexible, 10);
    });
    // over items: the means over items at the top, and their ratio
    const mean = (f: (item: string) => number) => ITEMS.reduce((s, item) => s + f(item), 0) / ITEMS.length;
    expect(m.reference.mae).toBeCloseTo(
      mean((item) => m.reference.items[item]?.mae as number),
      10,
    );
    expect(m.error_reduction.mae).toBeCloseTo(1 - m.mae / m.reference.mae, 10);
    // the untuned base predicts ≈ 0 for every item: far from scores around 4, so the run beats it
    expect(m.error_reduction.items.mood?.mae).toBeGreaterThan(0);

    // Recipe search (tunelab merge-search) judges the 3-item model on its file per item: its
    // domain's figure is the mean MAE over items, as eval reports it.
    const specFile = join(work, 'search.yml');
    const dataset = { path: 'wide.csv', label_column: ITEMS.join(','), max_length: Number(MAX_LENGTH) };
    // the second domain: tiny-bert (one output) on the mood column alone
    const spec = parseSearchSpec(
      JSON.stringify({
        base_model: 'base', // not loaded here
        models: [
          { model: 'model', dataset },
          { model: TINY, dataset: { ...dataset, label_column: 'mood' } },
        ],
      }),
    );
    const domains = await loadSearchDomains(spec, specFile);
    expect(domains[0]?.items?.map((i) => i.name)).toEqual([...ITEMS]);
    expect(domains[1]?.items).toBeUndefined();
    const [searched, other] = await scoreFolderOnDomains(out, domains, 'full');
    expect(searched).toBeCloseTo(m.mae, 10);
    expect(other).toBeNull(); // three outputs cannot score one label
    // the base (one output) cannot score three items: the search takes the per-item mean reference
    const [baseline] = await scoreFolderOnDomains(TINY, domains, 'full', { referenceWhenHeadless: true });
    const means = ITEMS.map((_, j) => {
      const ys = rows.map((r) => r.labels[j]).filter((y): y is number => y != null);
      return ys.reduce((a, b) => a + b, 0) / ys.length;
    });
    expect(baseline).toBeCloseTo(
      mean((item) => {
        const j = ITEMS.indexOf(item as (typeof ITEMS)[number]);
        const ys = rows.map((r) => r.labels[j]).filter((y): y is number => y != null);
        return ys.reduce((a, y) => a + Math.abs((means[j] as number) - y), 0) / ys.length;
      }),
      10,
    );
  }, 240_000);
});
