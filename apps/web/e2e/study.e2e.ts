// Browser test of the study's workflow (MADRS-BERT shape) against a real stack: a long-shape 3-item
// scale (one row per interview segment and item, an interview column, real and synthetic
// interviews), its token profile, the launch form's "Study protocol" (train on every row, judge on
// real rows only, k-fold CV grouped by the interview column) with 3 folds of the tiny BERT fixture,
// and the cross-validation parent's table: one row per item and the mean over items, MAE, strict
// and flexible accuracy and error reduction against the named reference, each mean ± std. Writes
// a screenshot to TUNELAB_E2E_SHOTS (or a temp folder). Exits non-zero on any failure.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { importModel, TINY_BERT } from './e2e-data.ts';
import { freePort, openBrowser, startStack, waitFor } from './stack.ts';

const log: string[] = [];
const step = (name: string) => console.log(`[e2e:study] ${new Date().toISOString().slice(11, 19)} ${name}`);

const ITEMS = ['sadness', 'sleep', 'appetite'];
const WORDS = ['calm', 'low', 'tired', 'hopeless', 'restless', 'empty', 'worn', 'fine', 'sad'];

/** 12 interviews × 3 items, scores 0–6; interviews 9–11 are synthetic. */
function studyCsv(): string {
  const lines = Array.from({ length: 12 }, (_, d) =>
    ITEMS.map((item, j) => {
      const score = ((d % 4) * 2 + j) % 7;
      const text = `${WORDS[score]} ${WORDS[(d + j) % WORDS.length]} when asked about ${item}`;
      return `"${text}",${item},${score},interview-${d},${d >= 9 ? 'synthetic' : 'real'}`;
    }),
  ).flat();
  return `text,item,score,interview,origin\n${lines.join('\n')}\n`;
}

async function main() {
  const shots = process.env.TUNELAB_E2E_SHOTS ?? (await mkdtemp(path.join(tmpdir(), 'tunelab-e2e-study-')));
  const stack = await startStack({ port: await freePort(process.env.TUNELAB_E2E_STUDY_PORT), log });
  const browser = await openBrowser({ viewport: { width: 1400, height: 1000 } });
  const { page } = browser;
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    const { baseUrl } = stack;
    step('import tiny-bert, then upload a long-shape 3-item scale with real and synthetic interviews');
    const modelId = await importModel(baseUrl, TINY_BERT, 'tiny-bert');
    const form = new FormData();
    form.set(
      'spec',
      JSON.stringify({
        name: 'MADRS-like interviews',
        task: 'regression',
        textColumn: 'text',
        labelColumn: 'score',
        itemColumn: 'item',
        groupColumn: 'interview',
        sourceColumn: 'origin',
        labelMin: 0,
        labelMax: 6,
        tolerance: 1,
      }),
    );
    form.set('file', new Blob([studyCsv()], { type: 'text/csv' }), 'interviews.csv');
    const res = await fetch(`${baseUrl}/api/datasets`, { method: 'POST', body: form });
    const body = (await res.json()) as { id?: string; error?: string };
    assert.equal(res.status, 201, `upload failed: ${JSON.stringify(body)}`);
    const datasetId = body.id as string;
    await waitFor(
      'the dataset profile',
      async () => {
        const r = (await (await fetch(`${baseUrl}/api/datasets/${datasetId}`)).json()) as {
          dataset: { status: string; error?: string };
        };
        if (r.dataset.status === 'failed') throw new Error(`profile failed: ${r.dataset.error}`);
        return r.dataset.status === 'ready';
      },
      60_000,
    );

    step('the dataset page shows tokens per text against the model max length');
    await page.goto(`${baseUrl}/datasets/${datasetId}`);
    const tokens = (await page.textContent('[data-testid=token-profile]', { timeout: 15_000 })) ?? '';
    assert.match(tokens, /tokens \(tiny-bert\): median \d+.*against max\s+length 64: 0 texts longer/s);

    step('the launch form: Study protocol in one click, then 3 folds of a smoke-size run');
    await page.goto(`${baseUrl}/runs/new?dataset=${datasetId}`);
    await page.selectOption('select[name=modelId]', modelId);
    await page.click('[data-testid=launch-study-protocol]');
    assert.equal(await page.inputValue('[data-testid=launch-eval-source]'), 'real');
    assert.equal(await page.inputValue('[data-testid=launch-cv]'), '5');
    assert.equal(await page.isChecked('input[name=cvGrouped]'), true, 'documents are not kept whole');
    assert.match((await page.textContent('[data-testid=launch-form]')) ?? '', /column "interview"/);
    await page.selectOption('[data-testid=launch-cv]', '3');
    assert.equal(await page.isChecked('input[name=cvGrouped]'), true);
    for (const [name, value] of [
      ['epochs', '1'],
      ['batchSize', '8'],
      ['maxLength', '16'],
      ['maxSteps', '2'],
    ])
      await page.fill(`input[name=${name}]`, value as string);
    await Promise.all([
      page.waitForURL((u) => /^\/runs\/[^/]+$/.test(u.pathname) && u.pathname !== '/runs/new'),
      page.click('[data-testid=launch-submit]'),
    ]);
    const parentId = new URL(page.url()).pathname.split('/').at(-1) as string;

    step('wait for the 3 folds and the parent');
    await waitFor(
      'the cross-validation to succeed',
      async () => {
        const { runs } = (await (await fetch(`${baseUrl}/api/runs?q=${parentId}`)).json()) as {
          runs: { id: string; status: string; error?: string }[];
        };
        const run = runs.find((r) => r.id === parentId);
        if (run?.status === 'failed') throw new Error(`cross-validation failed: ${run.error}`);
        return run?.status === 'succeeded';
      },
      240_000,
      500,
    );

    step('the parent page: items × MAE, strict, flexible (±1), error reduction, each mean ± std');
    await page.goto(`${baseUrl}/runs/${parentId}`);
    const table = page.locator('[data-testid=cv-study-table]');
    await table.waitFor();
    const header = ((await table.locator('thead').textContent()) ?? '').replace(/\s+/g, ' ');
    for (const want of [
      'MAE',
      'Strict acc',
      'Flexible acc (±1)',
      'Error reduction, MAE',
      'Error reduction, flexible',
    ])
      assert.ok(header.includes(want), `the table lacks "${want}": ${header}`);
    for (const id of [...ITEMS.map((i) => `cv-item-${i}`), 'cv-mean']) {
      const cells = await table.locator(`[data-testid=${id}] td`).allTextContents();
      assert.equal(cells.length, 5, `${id}: ${cells.length} figures`);
      for (const c of cells)
        assert.match(c, /^-?[\d.e+-]+%? ± -?[\d.e+-]+%?$/, `${id}: "${c}" is not mean ± std`);
    }
    assert.match((await page.textContent('[data-testid=cv-protocol]')) ?? '', /real eval rows only/);
    assert.match((await page.textContent('[data-testid=cv-protocol]')) ?? '', /sample standard\s+deviation/);
    assert.match(
      (await page.textContent('[data-testid=cv-reference]')) ?? '',
      /mean of train labels, per item/,
    );
    // the mean row's MAE is the mean of the three folds' MAE (means over items), as the folds list them
    const foldMaes = (await page.locator('[data-testid=cv-fold] td:nth-child(3)').allTextContents()).map(
      Number,
    );
    assert.equal(foldMaes.length, 3);
    const shown = Number(
      ((await table.locator('[data-testid=cv-mean] td').first().textContent()) ?? '').split(' ')[0],
    );
    const mean = foldMaes.reduce((t, x) => t + x, 0) / 3;
    assert.ok(
      Math.abs(shown - mean) <= 1e-3 * Math.max(1, mean),
      `mean MAE ${shown} ≠ mean of folds ${mean}`,
    );
    const shot = path.join(shots, 'study-cv-parent.png');
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`[e2e:study] screenshot ${shot}`);
    assert.deepEqual(pageErrors, [], `page errors: ${pageErrors.join('; ')}`);
    step('passed');
  } catch (e) {
    console.error(log.slice(-60).join('\n'));
    throw e;
  } finally {
    await browser.close();
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
