// Browser test of the scaling planner against a real stack: launch a small data-scaling sweep
// (4 fractions × 2 seeds of the tiny BERT fixture), wait for it, see the fitted curve, its band and
// the baseline, ask for a target and read the answer; export the chart's CSV and check that
// `tunelab scaling` on those points gives the very fit the page shows. Screenshots the page to a temp
// file (or TUNELAB_E2E_SHOTS). Exits non-zero on any failure.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { importModel, runSweep, TINY_BERT, uploadDataset } from './e2e-data.ts';
import { freePort, openBrowser, REPO_ROOT, startStack } from './stack.ts';

const log: string[] = [];
const step = (name: string) => console.log(`[e2e:scaling] ${new Date().toISOString().slice(11, 19)} ${name}`);

async function main() {
  const tmp = await mkdtemp(path.join(tmpdir(), 'tunelab-e2e-scaling-'));
  const stack = await startStack({ port: await freePort(process.env.TUNELAB_E2E_SCALING_PORT), log });
  const browser = await openBrowser({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  const { page } = browser;
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    const { baseUrl } = stack;
    step('dataset and model');
    const [datasetId, modelId] = await Promise.all([
      uploadDataset(baseUrl, tmp),
      importModel(baseUrl, TINY_BERT, 'tiny-bert'),
    ]);

    step('launch a sweep: 4 fractions × 2 seeds');
    const sweepUrl = await runSweep(
      page,
      baseUrl,
      { modelId, datasetId },
      {
        name: 'AFINN scaling',
        fractions: '0.125, 0.25, 0.5, 1',
        seeds: '0, 1',
        epochs: '2',
        lr: '0.003',
        batchSize: '16',
        maxLength: '12',
      },
      600_000,
    );
    await page.goto(sweepUrl);

    step('the fit, its band and the baseline are drawn');
    await page.waitForSelector('[data-testid=sweep-chart] .recharts-area');
    assert.equal(await page.getAttribute('[data-testid=sweep-chart]', 'data-fits'), '1');
    const legend = (await page.textContent('[data-testid=sweep-chart] .recharts-legend-wrapper')) ?? '';
    for (const want of [
      '95 % band',
      'fit a·n^(−b) + c',
      'baseline: mean of train labels',
      'one seed',
      'mean ± std',
    ])
      assert.ok(legend.includes(want), `legend lacks "${want}": ${legend}`);
    assert.ok(
      (await page.locator('[data-testid=sweep-chart] .recharts-line').count()) >= 2,
      'fit or baseline missing',
    );
    assert.equal(await page.locator('[data-testid=sweep-aggregates] tbody tr').count(), 4);
    const fitText = (await page.textContent('[data-testid=scaling-answer-fit]')) ?? '';
    assert.match(fitText, /Fit MAE\(n\) = .*·n\^\(−.*\) \+ /);
    assert.match(fitText, /held-out error at n = \d+/);

    step('ask for a target and read the answer');
    const best = Math.min(
      ...(
        await page.locator('[data-testid=sweep-aggregates] tbody tr td:nth-child(4)').allTextContents()
      ).map(Number),
    );
    const target = Number((best * 1.02).toPrecision(3)); // just above the best measured MAE: reachable by the fit
    await page.fill('[data-testid=target-form] input[name=target]', String(target));
    await Promise.all([
      page.waitForURL(/target=/),
      page.click('[data-testid=target-form] button[type=submit]'),
    ]);
    const answer = page.locator('[data-testid=scaling-answer]');
    const verdict = (await answer.getAttribute('data-verdict')) ?? '';
    assert.ok(['ok', 'unreachable', 'too_far', 'poor_fit'].includes(verdict), `no verdict: ${verdict}`);
    const answerText = (await answer.textContent()) ?? '';
    if (verdict === 'ok') assert.match(answerText, /≈ [\d,]+ training examples for MAE ≤ .*95 % interval/);
    else assert.match(answerText, /unreachable|too far to trust|poor fit/);
    // a horizontal line has no height, so Playwright calls it hidden: check it is drawn instead
    await page.waitForSelector('[data-testid=sweep-chart] .recharts-reference-line line', {
      state: 'attached',
    });
    console.log(
      `[e2e:scaling] target MAE ≤ ${target}: ${verdict}: ${answerText.replace(/\s+/g, ' ').slice(0, 300)}`,
    );
    const shot = process.env.TUNELAB_E2E_SHOTS
      ? path.join(process.env.TUNELAB_E2E_SHOTS, 'sweep-scaling.png')
      : path.join(tmpdir(), 'tunelab-e2e-sweep-scaling.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`[e2e:scaling] screenshot ${shot}`);

    step('the CLI fits the exported points to the same curve');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=sweep-chart] button:has-text("CSV")'),
    ]);
    const csvFile = path.join(tmp, 'sweep.csv');
    await download.saveAs(csvFile);
    const seedRows = (await readFile(csvFile, 'utf8'))
      .split('\n')
      .slice(1)
      .filter((l) => l.startsWith('AFINN scaling seed,'))
      .map((l) => l.split(',').slice(1).join(','));
    assert.equal(seedRows.length, 8, 'the CSV should hold one row per finished seed');
    // the page fits against its baseline (the runs' reference predictor): so does the CLI
    const baselineValue = (await answer.getAttribute('data-baseline')) ?? '';
    const points = path.join(tmp, 'points.csv');
    await writeFile(points, `n,value\n${seedRows.join('\n')}\n`);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        path.join(REPO_ROOT, 'apps/cli/bin/tunelab.mjs'),
        'scaling',
        '--points',
        points,
        '--metric',
        'mae',
        '--target',
        String(target),
        ...(baselineValue ? ['--baseline', baselineValue] : []),
      ],
      { cwd: REPO_ROOT },
    );
    const cli = JSON.parse(stdout) as {
      a: number;
      b: number;
      c: number;
      n_needed: number | null;
      verdict: string;
    };
    for (const k of ['a', 'b', 'c'] as const)
      assert.equal(String(cli[k]), await answer.getAttribute(`data-${k}`), `CLI and page disagree on ${k}`);
    assert.equal(String(cli.n_needed ?? ''), await answer.getAttribute('data-n-needed'));
    assert.equal(cli.verdict, verdict);
    assert.deepEqual(pageErrors, [], `page errors: ${pageErrors.join('; ')}`);
    step('passed');
  } catch (e) {
    console.error(log.slice(-60).join('\n'));
    throw e;
  } finally {
    await browser.close();
    await stack.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
