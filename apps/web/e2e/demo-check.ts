// Manual check of the demo workspace on a real stack (not part of test:e2e: it trains for minutes):
// clicks "Load demo workspace", waits for the pretraining run and its follow-up fine-tuning runs.
// `TUNELAB_NEXT_DIST_DIR=.tunelab/next-e2e node --import tsx e2e/demo-check.ts` after a build.

import path from 'node:path';
import { freePort, openBrowser, REPO_ROOT, startStack, waitFor } from './stack.ts';

const log: string[] = [];
const stack = await startStack({ port: await freePort(process.env.TUNELAB_E2E_PORT), log });
const browser = await openBrowser({ viewport: { width: 1400, height: 1000 } });
const t0 = Date.now();
const since = () => `${Math.round((Date.now() - t0) / 1000)}s`;
try {
  const { page } = browser;
  await page.goto(stack.baseUrl);
  await page.click('[data-testid=load-demo]');
  await page.waitForURL(/\/runs\/c[a-z0-9]+$/, { timeout: 60_000 });
  const pretrainId = page.url().split('/').pop();
  console.log(`[demo] pretraining run ${pretrainId} page open at ${since()}`);
  await page
    .waitForSelector('[data-testid=final-metrics], text=succeeded', { timeout: 480_000 })
    .catch(() => undefined);
  await waitFor(
    'the pretraining run to succeed',
    async () => (await page.textContent('[data-testid=run-status]')) === 'succeeded',
    480_000,
    2000,
  );
  console.log(`[demo] pretraining succeeded at ${since()}`);
  await page.screenshot({ path: path.join(REPO_ROOT, '.tunelab/demo-pretrain.png'), fullPage: true });
  const runs = await waitFor(
    'a succeeded fine-tuning run',
    async () => {
      const r = (await (await fetch(`${stack.baseUrl}/api/runs?kind=train`)).json()) as {
        runs: { id: string; status: string; summary: unknown }[];
      };
      return r.runs.find((x) => x.status === 'succeeded') ? r.runs : null;
    },
    480_000,
    3000,
  );
  console.log(
    `[demo] first fine-tuning run succeeded at ${since()}: ${JSON.stringify(runs.map((r) => [r.status, r.summary]))}`,
  );
  await page.goto(`${stack.baseUrl}/runs/${runs.find((x) => x.status === 'succeeded')?.id}`);
  await page.waitForSelector('[data-testid=final-metrics]');
  await page.screenshot({ path: path.join(REPO_ROOT, '.tunelab/demo-finetune.png'), fullPage: true });
} catch (e) {
  console.error(log.slice(-40).join('\n'));
  console.error(e);
  process.exitCode = 1;
} finally {
  await browser.close();
  await stack.stop();
}
