import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readSafetensorsFile } from '@tunelab/core/safetensors';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../bin/tunelab.mjs');
const FIXTURES = join(import.meta.dirname, '../../../../fixtures/merge');
const work = await mkdtemp(join(tmpdir(), 'tunelab-cli-merge-'));
afterAll(() => rm(work, { recursive: true, force: true }));

describe('tunelab merge', () => {
  it('merges the TIES fixture config into a Hugging Face folder matching the reference', async () => {
    const out = join(work, 'ties');
    const { stdout } = await run('node', [
      CLI,
      'merge',
      '--config',
      join(FIXTURES, 'ties.json'),
      '--out',
      out,
      '--quiet',
    ]);
    expect(JSON.parse(stdout)).toMatchObject({ method: 'ties', tensors: 41, parameters: 26849 });
    const got = await readSafetensorsFile(join(out, 'model.safetensors'));
    const expected = await readSafetensorsFile(join(FIXTURES, 'expected_ties.safetensors'));
    for (const [name, tensor] of expected) {
      const data = got.get(name)?.data ?? new Float32Array();
      // See packages/core/src/merge/run-merge.test.ts for why 1e-6 of max(|x|, 1).
      tensor.data.forEach((x, i) => {
        if (Math.abs((data[i] as number) - x) > 1e-6 * Math.max(Math.abs(x), 1))
          throw new Error(`${name}[${i}]`);
      });
    }
    for (const file of ['config.json', 'vocab.txt', 'mergekit_config.yml'])
      expect((await readFile(join(out, file))).length).toBeGreaterThan(0);
  });

  it('fails with a message naming the field and line', async () => {
    const bad = join(work, 'bad.yml');
    await writeFile(
      bad,
      'merge_method: ties\nbase_model: base\nmodels:\n  - model: a\n    parameters: {weight: 1, density: 2}\n',
    );
    await expect(
      run('node', [CLI, 'merge', '--config', bad, '--out', join(work, 'x')]),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining(
        'bad.yml:5: models.0.parameters.density: density must be in (0, 1], got 2',
      ),
    });
  });
});
