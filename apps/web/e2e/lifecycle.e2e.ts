// Browser test of the one lifecycle against a real stack (Postgres, Redis, `next start`, a worker
// started part-way): a merge and a tuning-vector analysis launched from the dashboard are Runs with
// a live status, progress and logs; the queued merge is cancelled, the analysis runs to the end
// while its page is open (no reload), and the cancelled merge is retried to success. Exits non-zero
// on any failure.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPrismaClient } from '@tunelab/db';
import type { Page } from 'playwright-core';
import { importModel } from './e2e-data.ts';
import { freePort, killGroup, openBrowser, REPO_ROOT, startGroup, startStack, waitFor } from './stack.ts';

const MERGE_FIXTURES = path.resolve(REPO_ROOT, 'fixtures/merge');
const log: string[] = [];

function step(name: string) {
  console.log(`[e2e:lifecycle] ${new Date().toISOString().slice(11, 19)} ${name}`);
}

const status = (page: Page) => page.textContent('[data-testid=run-lifecycle] [data-testid=run-status]');
const percent = (page: Page) => page.textContent('[data-testid=run-progress-pct]');

async function main() {
  // No worker yet: the launched jobs wait in the queue, so the queued state and its cancel are seen.
  const stack = await startStack({
    port: await freePort(process.env.TUNELAB_E2E_LIFECYCLE_PORT),
    worker: false,
    log,
  });
  const prisma = createPrismaClient(stack.databaseUrl);
  const browser = await openBrowser({ viewport: { width: 1400, height: 1000 } });
  const { page } = browser;
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  let worker: ReturnType<typeof startGroup> | undefined;
  try {
    const { baseUrl } = stack;
    step('import a base and two fine-tuned models');
    const base = await importModel(baseUrl, path.join(MERGE_FIXTURES, 'base'), 'merge base');
    const tuned = [
      await importModel(baseUrl, path.join(MERGE_FIXTURES, 'tuned_a'), 'tuned a'),
      await importModel(baseUrl, path.join(MERGE_FIXTURES, 'tuned_b'), 'tuned b'),
    ];
    // Imports are base models; these two are fine-tunes of the first (as training would record).
    await prisma.model.updateMany({
      where: { id: { in: tuned } },
      data: { kind: 'finetuned', baseModelId: base },
    });

    step('launch a merge from the merges page: a queued Run with its live status');
    await page.goto(`${baseUrl}/merges`);
    await page.fill(
      '[data-testid=merge-yaml]',
      `merge_method: linear\nbase_model: ${base}\nmodels:\n  - model: ${tuned[0]}\n    parameters: {weight: 0.5}\n  - model: ${tuned[1]}\n    parameters: {weight: 0.5}\n`,
    );
    await page.click('[data-testid=merge-launch]');
    await page.waitForURL(/\/merges\/c[a-z0-9]+$/, { timeout: 30_000 });
    const mergeUrl = page.url();
    await page.waitForSelector('[data-testid=run-lifecycle]');
    assert.equal(await status(page), 'queued');
    assert.match((await page.textContent('[data-testid=run-progress]')) ?? '', /position 1 in the queue/);

    step('cancel the queued merge');
    await page.click('[data-testid=run-cancel]');
    await waitFor('the merge to show cancelled', async () => (await status(page)) === 'cancelled', 30_000);
    await page.waitForSelector('[data-testid=run-retry]');
    assert.match((await page.textContent('[data-testid=run-logs]')) ?? '', /Cancelled before it started/);

    step('launch an analysis from the analyses page');
    await page.goto(`${baseUrl}/analyses`);
    await page.selectOption('[data-testid=analysis-form] select', base);
    for (const name of ['tuned a', 'tuned b'])
      await page.check(`[data-testid=analysis-form] label.row:has-text("${name}") input`);
    await page.click('[data-testid=analysis-form] button.primary');
    await page.waitForURL(/\/analyses\/c[a-z0-9]+$/, { timeout: 30_000 });
    await page.waitForSelector('[data-testid=run-lifecycle]');
    assert.equal(await status(page), 'queued');
    assert.equal(await percent(page), '0%');

    step('start a worker: the open analysis page follows the run live to the end');
    worker = startGroup(
      'worker',
      process.execPath,
      ['--import', 'tsx', 'apps/worker/src/main.ts'],
      REPO_ROOT,
      stack.env,
      log,
    );
    const seen = new Set<string>();
    await waitFor(
      'the analysis to succeed on the open page',
      async () => {
        seen.add(`${await status(page)} ${await percent(page)}`);
        return (await status(page)) === 'succeeded';
      },
      120_000,
      100,
    );
    assert.equal(await percent(page), '100%');
    assert.ok(seen.has('queued 0%'), `statuses seen: ${[...seen].join(', ')}`);
    assert.match((await page.textContent('[data-testid=run-logs]')) ?? '', /tensors analysed/);
    // The server-rendered report appears after the run ends (router.refresh on the stream's end).
    await page.waitForSelector('text=Tuning vectors against', { timeout: 30_000 });
    await waitFor(
      'the analysis report',
      async () => !(await page.isVisible('text=its report appears here')),
      30_000,
    );

    step('retry the cancelled merge: it runs to success with progress and logs');
    await page.goto(mergeUrl);
    assert.equal(await status(page), 'cancelled');
    await page.click('[data-testid=run-retry]');
    await waitFor(
      'the retried merge to succeed',
      async () => {
        const s = await status(page);
        if (s === 'failed')
          throw new Error(`the merge failed: ${await page.textContent('[data-testid=run-progress]')}`);
        return s === 'succeeded';
      },
      120_000,
      200,
    );
    assert.equal(await percent(page), '100%');
    assert.match((await page.textContent('[data-testid=run-logs]')) ?? '', /Retry queued as job/);
    assert.match((await page.textContent('[data-testid=run-logs]')) ?? '', /evaluations stored/);
    await page.waitForSelector('a:has-text("Merged model")', { timeout: 30_000 });
    const run = await prisma.run.findFirstOrThrow({ where: { kind: 'merge' } });
    assert.equal(run.status, 'succeeded');
    assert.equal(run.attempts, 1);

    assert.deepEqual(pageErrors, [], `errors in the page: ${pageErrors.join('; ')}`);
    step('all steps passed');
  } catch (e) {
    console.error(log.slice(-60).join('\n'));
    const shot = path.join(tmpdir(), 'tunelab-e2e-lifecycle-failure.png');
    await page.screenshot({ path: shot, fullPage: true }).catch(() => undefined);
    console.error(`[e2e:lifecycle] failure screenshot: ${shot}`);
    throw e;
  } finally {
    await browser.close();
    await killGroup(worker);
    await prisma.$disconnect();
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`[e2e:lifecycle] FAILED: ${e instanceof Error ? e.stack : e}`);
    process.exit(1);
  },
);
