import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeMaskedLmBase } from '@tunelab/core/merge/testing';
import type { VectorsReport } from '@tunelab/core/vectors';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../bin/tunelab.mjs');
const FIXTURES = join(import.meta.dirname, '../../../../fixtures/merge');
const work = await mkdtemp(join(tmpdir(), 'tunelab-cli-vectors-'));
afterAll(() => rm(work, { recursive: true, force: true }));

describe('tunelab vectors', () => {
  it('writes a report for two tuned fixtures with a similarity matrix', async () => {
    const out = join(work, 'report.json');
    const args = ['vectors', '--base', join(FIXTURES, 'base'), '--tuned', join(FIXTURES, 'tuned_a')];
    const { stdout } = await run('node', [
      CLI,
      ...args,
      '--tuned',
      join(FIXTURES, 'tuned_b'),
      '--out',
      out,
      '--quiet',
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ out, tensors: 41 });
    const report = JSON.parse(await readFile(out, 'utf8')) as VectorsReport;
    expect(report.tuned).toHaveLength(2);
    expect(report.overall.similarity?.[0]?.[0]).toBe(1);
    const similarity = report.overall.similarity?.[0]?.[1] ?? 2;
    expect(similarity).toBeGreaterThanOrEqual(-1);
    expect(similarity).toBeLessThan(1);
    const query = report.tensors.find((t) => t.name === 'bert.encoder.layer.0.attention.self.query.weight');
    expect(query?.changes[0]?.singularValues).toHaveLength(32);
    expect(query?.module).toBe('attention.query');
  });

  it('refuses a tuned model that is missing a tensor file', async () => {
    await expect(
      run('node', [
        CLI,
        'vectors',
        '--base',
        join(FIXTURES, 'base'),
        '--tuned',
        join(work, 'nowhere'),
        '--out',
        join(work, 'x.json'),
      ]),
    ).rejects.toMatchObject({
      stderr: expect.stringMatching(/nowhere'?: cannot read its model\.safetensors/),
    });
  });

  it('analyses fine-tunes of a masked-LM base, listing the heads only one side has', async () => {
    const base = await writeMaskedLmBase(join(FIXTURES, 'base'), join(work, 'mlm-base'));
    const out = join(work, 'mlm.json');
    const { stdout } = await run('node', [
      CLI,
      'vectors',
      '--base',
      base,
      '--tuned',
      join(FIXTURES, 'tuned_a'),
      '--tuned',
      join(FIXTURES, 'tuned_b'),
      '--out',
      out,
      '--no-spectra',
      '--quiet',
    ]);
    // 41 tensors in the fine-tunes, 4 of them (pooler, classifier) absent from the base.
    expect(JSON.parse(stdout)).toMatchObject({ out, tensors: 37, added: 4, dropped: 5 });
    const report = JSON.parse(await readFile(out, 'utf8')) as VectorsReport;
    expect(
      report.unshared.filter((u) => u.side === 'dropped' && u.model === join(FIXTURES, 'tuned_a')),
    ).toHaveLength(5);
  });

  it('adds conflict, TIES interference and per-layer CKA on a text file', async () => {
    const texts = join(work, 'texts.txt');
    await writeFile(texts, ['mild pain', 'severe pain today', '', 'no complaints', 'follow up'].join('\n'));
    const out = join(work, 'atlas.json');
    const { stdout } = await run('node', [
      CLI,
      'vectors',
      '--base',
      join(FIXTURES, 'base'),
      '--tuned',
      join(FIXTURES, 'tuned_a'),
      '--tuned',
      join(FIXTURES, 'tuned_b'),
      '--out',
      out,
      '--no-spectra',
      '--ties-density',
      '0.3',
      '--top-k',
      '2',
      '--texts',
      texts,
      '--quiet',
    ]);
    const summary = JSON.parse(stdout);
    expect(summary.signConflict).toBeGreaterThan(0);
    expect(summary.tiesOverruled).toHaveLength(2);
    expect(summary.cka).toHaveLength(2);
    const report = JSON.parse(await readFile(out, 'utf8')) as VectorsReport;
    expect(report.options).toMatchObject({ tiesDensity: 0.3, topK: 2 });
    expect(report.activations).toMatchObject({ rows: 4, layers: ['embeddings', 'layer 0', 'layer 1'] });
    expect(report.layers.every((l) => typeof l.signConflict === 'number')).toBe(true);
  });
});
