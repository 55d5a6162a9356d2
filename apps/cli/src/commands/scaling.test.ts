import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Rng } from '@tunelab/core/random';
import { fitScaling, parseScalingPoints } from '@tunelab/core/scaling';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../bin/tunelab.mjs');
const work = await mkdtemp(join(tmpdir(), 'tunelab-cli-scaling-'));
afterAll(() => rm(work, { recursive: true, force: true }));

/** flexible accuracy = 1 − (2·n^(−0.4) + 0.1) plus seeded noise, 3 seeds at 5 sizes. */
async function pointsFile(sizes = [50, 100, 200, 400, 800]): Promise<string> {
  const rng = new Rng(3);
  const rows = sizes.flatMap((n) =>
    [0, 1, 2].map((seed) => `${n},${(1 - (2 * n ** -0.4 + 0.1) + 0.004 * rng.normal()).toFixed(5)},${seed}`),
  );
  const file = join(work, `points-${sizes.length}.csv`);
  await writeFile(file, `n,value,seed\n${rows.join('\n')}\n`);
  return file;
}

describe('tunelab scaling', () => {
  it('prints the fit, band, held-out error and answer as JSON, the same fit the sweep page computes', async () => {
    const file = await pointsFile();
    const { stdout } = await run('node', [
      CLI,
      'scaling',
      '--points',
      file,
      '--metric',
      'flexible_accuracy',
      '--target',
      '0.8',
    ]);
    const out = JSON.parse(stdout);
    for (const key of [
      'a',
      'b',
      'c',
      'band',
      'heldout_error',
      'target',
      'n_needed',
      'n_needed_interval',
      'verdict',
    ])
      expect(out).toHaveProperty(key);
    expect(out.higher_is_better).toBe(true); // from the metrics table
    expect(out.c).toBeGreaterThan(0.05);
    expect(out.c).toBeLessThan(0.15);
    expect(out.target).toBe(0.8);
    // truth: 2·n^(−0.4) = 0.1 → n = 20^(1/0.4) ≈ 1789, within 4 × 800
    expect(out.n_needed).toBeGreaterThan(1000);
    expect(out.n_needed).toBeLessThan(3200);
    expect(out.verdict).toBe('ok');
    const { readFile } = await import('node:fs/promises');
    const direct = fitScaling(await parseScalingPoints(await readFile(file, 'utf8'), 'points.csv'), {
      higherIsBetter: true,
      target: 0.8,
    });
    expect(out.a).toBe(direct.a);
    expect(out.n_needed_interval).toEqual(direct.nNeededInterval);
  });

  it('--baseline: a curve that does not beat the reference predictor is poor_fit, with the reason', async () => {
    const file = await pointsFile();
    const args = [CLI, 'scaling', '--points', file, '--metric', 'flexible_accuracy', '--target', '0.8'];
    // the curve ends near 0.84 at n = 800: a majority class at 0.5 is beaten, one at 0.9 is not
    const beaten = JSON.parse((await run('node', [...args, '--baseline', '0.5'])).stdout);
    expect(beaten.verdict).toBe('ok');
    expect(beaten.baseline).toMatchObject({ value: 0.5, n: 800, beaten: true });
    const flat = JSON.parse((await run('node', [...args, '--baseline', '0.9'])).stdout);
    expect(flat.verdict).toBe('poor_fit');
    expect(flat.baseline.beaten).toBe(false);
    expect(flat.reason).toMatch(/does not beat the baseline 0\.9/);
    await expect(run('node', [...args, '--baseline', 'x'])).rejects.toMatchObject({
      stderr: expect.stringContaining('--baseline'),
    });
  });

  it('refuses fewer than 3 sizes with the reason on stderr', async () => {
    const file = await pointsFile([100, 200]);
    await expect(
      run('node', [CLI, 'scaling', '--points', file, '--metric', 'accuracy']),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('at least 3 training sizes; got 2') });
  });

  it('names the row and column of a bad value, and a flag that contradicts the table', async () => {
    const bad = join(work, 'bad.csv');
    await writeFile(bad, 'n,value\n100,0.5\n200,oops\n400,0.3\n');
    await expect(run('node', [CLI, 'scaling', '--points', bad, '--metric', 'mae'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/bad\.csv.*row 2, column "value": "oops" is not a number/),
    });
    await expect(
      run('node', [CLI, 'scaling', '--points', bad, '--metric', 'mae', '--higher-is-better']),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('MAE is lower-is-better') });
  });
});
