// Browser test of synthetic data with experts in the loop, against a real stack (Postgres, Redis,
// `next start`, a worker) and a small OpenAI-compatible server on loopback: add a connection and
// test it → plan from the dataset page's floor → generate → review two texts (one edited) →
// agreement shown → synthetic dataset created → composed with the real dataset. Exits non-zero on
// any failure.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { startOpenAiStub } from '@tunelab/core/llm/testing';
import { createPrismaClient } from '@tunelab/db';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumExecutable, freePort, startStack, waitFor } from './stack.ts';

const KEY = 'sk-e2e-SECRET-4242';
const log: string[] = [];
const step = (name: string) => console.log(`[e2e:synth] ${new Date().toISOString().slice(11, 19)} ${name}`);

/** `tunelab users add NAME`, the password piped on stdin, against the stack's database. */
function addAccount(databaseUrl: string, name: string, password: string): Promise<void> {
  const cli = path.resolve(import.meta.dirname, '../../cli/bin/tunelab.mjs');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'users', 'add', name], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['pipe', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`users add exited ${code}`))));
    child.stdin.end(`${password}\n`);
  });
}

async function main() {
  const executablePath = chromiumExecutable();
  const stub = await startOpenAiStub();
  const stack = await startStack({
    port: await freePort(process.env.TUNELAB_E2E_SYNTH_PORT),
    log,
    env: { TUNELAB_GENERATION_BACKOFF_MS: '10' },
  });
  const prisma = createPrismaClient(stack.databaseUrl);
  const profile = await mkdtemp(path.join(tmpdir(), 'tunelab-e2e-chrome-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  try {
    const { baseUrl } = stack;
    step('a real dataset with scarce high scores');
    const real = await prisma.dataset.create({
      data: {
        name: 'interviews',
        task: 'regression',
        labelMin: 0,
        labelMax: 6,
        textColumn: 'text',
        labelColumn: 'label',
        rowCount: 12,
        status: 'ready',
        rows: {
          create: Array.from({ length: 12 }, (_, i) => ({
            index: i,
            text: `real note ${i}: I sleep ${8 - (i % 4)} hours most nights`,
            label: i % 3,
            split: 'train' as const,
          })),
        },
      },
    });

    step('add a connection and test it');
    await page.goto(`${baseUrl}/synth`);
    const form = page.locator('[data-testid=connection-form]');
    await form.locator('input[name=name]').fill('local stub');
    await form.locator('input[name=baseUrl]').fill(stub.baseUrl);
    await form.locator('input[name=model]').fill('stub-7b');
    await form.locator('input[name=apiKey]').fill(KEY);
    await form.locator('button[type=submit]').click();
    await page.waitForSelector('[data-testid=notice-ok]');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.waitForSelector('[data-testid=notice-ok]:has-text("stub-7b answered")');
    assert.ok(!(await page.content()).includes(KEY), 'the key is not on the page');

    step('plan from the dataset page: bring each bin up to 4 rows');
    await page.goto(`${baseUrl}/datasets/${real.id}`);
    await page.locator('[data-testid=floor-form] input[name=floor]').fill('4');
    await page.locator('[data-testid=floor-form] button').click();
    await page.waitForURL(/\/synth\?/);
    const planned = await page.locator('[data-testid=generate-form] textarea[name=plan]').inputValue();
    assert.match(planned, /^3, 4$/m, `the floor plan fills score 3 (got ${planned})`);
    await page.locator('[data-testid=generate-form] textarea[name=plan]').fill('sleep, 5, 2');
    await page
      .locator('[data-testid=generate-form] textarea[name=scale]')
      .fill('5: severe, sleeps under three hours');
    await page.locator('[data-testid=generate-form] button[type=submit]').click();
    await page.waitForURL(/\/synth\/runs\//);

    step('the run finishes and its texts land in the review queue');
    await waitFor(
      'the generation to succeed',
      async () => (await page.textContent('[data-testid=run-status]')) === 'succeeded',
      60_000,
    );
    // The live status comes from the run's own poll; the server-rendered figures follow on a refresh.
    await waitFor(
      'the token counter',
      async () =>
        /22 prompt \+ 14 completion/.test((await page.textContent('[data-testid=generation-tokens]')) ?? ''),
      30_000,
    );
    assert.match((await page.textContent('[data-testid=sent-rows]')) ?? '', /No real row/);
    await page.getByRole('link', { name: 'Review queue' }).click();

    step('on loopback without accounts the page names the local user; then ana gets an account and signs in');
    await page.waitForSelector('[data-testid=reviewer-name]');
    assert.equal(await page.textContent('[data-testid=reviewer-name]'), userInfo().username || 'local');
    await addAccount(stack.databaseUrl, 'ana', 'ana-password-e2e');
    await page.reload();
    await page.waitForSelector('[data-testid=reviewer-none]');
    assert.equal(await page.locator('[data-testid=review-item]').count(), 0, 'nobody reviews unsigned');
    await page.locator('[data-testid=reviewer] a:has-text("sign in")').click();
    await page.waitForURL(/\/signin\?next=/);
    await page.fill('[data-testid=signin-name]', 'ana');
    await page.fill('[data-testid=signin-password]', 'ana-password-e2e');
    await page.click('[data-testid=signin-account-submit]');
    await page.waitForURL(/\/synth\/review\//);
    assert.equal(await page.textContent('[data-testid=reviewer-name]'), 'ana');

    step('review two texts as ana, editing one');
    let item = page.locator('[data-testid=review-item]').first();
    await item.locator('textarea[name=editedText]').fill('Edited by ana: I sleep two hours at most.');
    await item.locator('input[name=score]').fill('5');
    await item.getByRole('button', { name: /Accept/ }).click();
    await waitFor(
      'the first review to be stored',
      async () => (await page.locator('[data-testid=review-item]').count()) === 1,
      30_000,
      200,
    );
    item = page.locator('[data-testid=review-item]').first();
    await item.locator('input[name=score]').fill('4');
    await item.getByRole('button', { name: /Accept/ }).click();
    await page.waitForSelector('[data-testid=agreement] td:has-text("ana vs target")');
    assert.match((await page.textContent('[data-testid=reviewers]')) ?? '', /ana \(2 texts\)/);
    const reviews = await prisma.synthReview.findMany({ include: { user: true } });
    assert.deepEqual(
      reviews.map((r) => [r.reviewer, r.user.name]),
      [
        ['ana', 'ana'],
        ['ana', 'ana'],
      ],
    );
    assert.equal(await page.locator('[data-testid=review-item]').count(), 0);

    step('make the synthetic dataset');
    await page.locator('[data-testid=make-dataset] input[name=name]').fill('sleep synthetic');
    await page.locator('[data-testid=make-dataset] button').click();
    await page.waitForURL(/\/datasets\//);
    const synthId = page.url().split('/datasets/')[1]?.split(/[?#]/)[0] as string;
    await waitFor(
      'the synthetic dataset to be profiled',
      async () => (await prisma.dataset.findUnique({ where: { id: synthId } }))?.status === 'ready',
      60_000,
    );
    const provenance = await (
      await page.request.get(`${baseUrl}/api/datasets/${synthId}/export?format=jsonl`)
    ).text();
    assert.ok(!provenance.includes(KEY), 'the key is not in the export');
    const stored = await prisma.connection.findFirstOrThrow({ where: { name: 'local stub' } });
    assert.match(stored.apiKeySealed ?? '', /^tlk1\./, 'the key is sealed at rest');
    assert.ok(!stored.apiKeySealed?.includes(KEY));
    assert.match(provenance, /Edited by ana/);
    assert.match(provenance, /"model":"stub-7b"/);

    step('compose with the real dataset');
    const composed = await page.request.post(`${baseUrl}/api/datasets/compose`, {
      headers: { origin: baseUrl },
      data: {
        name: 'real + synthetic',
        sources: [
          { datasetId: real.id, ratio: 0.8 },
          { datasetId: synthId, ratio: 0.2 },
        ],
      },
    });
    assert.ok(composed.ok(), `compose answered ${composed.status()}: ${await composed.text()}`);
    const { id: composedId } = (await composed.json()) as { id: string };
    const sources = await prisma.datasetRow.groupBy({
      by: ['source'],
      where: { datasetId: composedId },
      _count: true,
    });
    assert.deepEqual(sources.map((s) => s.source).sort(), ['real', 'synthetic']);

    step('the composed dataset links its synthetic rows to their generation run');
    await page.goto(`${baseUrl}/datasets/${composedId}`);
    await page.waitForSelector('[data-testid=row-generation-link]');
    const href = await page.locator('[data-testid=row-generation-link]').first().getAttribute('href');
    assert.match(href ?? '', /^\/synth\/runs\/[^/#]+#text-/);
    await page.goto(`${baseUrl}${href}`);
    await page.waitForSelector(`[id="${href?.split('#')[1]}"]`);
    step('done');
  } catch (error) {
    console.error(log.slice(-60).join('\n'));
    console.error(`page errors: ${pageErrors.join('\n')}`);
    console.error((await page.content()).replace(/<script[\s\S]*?<\/script>/g, '').slice(0, 4000));
    console.error(
      `page ${page.url()}: ${await page.textContent('[data-testid=notice-error]', { timeout: 1000 }).catch(() => 'no error notice')}`,
    );
    throw error;
  } finally {
    await browser.close();
    await rm(profile, { recursive: true, force: true });
    await prisma.$disconnect();
    await stub.close();
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
