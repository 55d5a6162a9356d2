// Browser test of the access rules against a real `next start` (issue 14, Access):
// 1. on loopback, a page on another origin auto-submits a form POST to the dashboard: refused, nothing created;
// 2. a name that resolves to 127.0.0.1 (DNS rebinding) is refused by its Host header;
// 3. beyond loopback (HOST=0.0.0.0 with TUNELAB_TOKEN): pages send the browser to the sign-in page, a wrong
//    token is refused, the right one sets an HttpOnly SameSite cookie and opens the dashboard; the API wants
//    the bearer token; security headers on every answer. Exits non-zero on any failure.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { BrowserContext } from 'playwright-core';
import { type Browser, freePort, openBrowser, type Stack, startStack } from './stack.ts';

const PORT = await freePort(process.env.TUNELAB_E2E_ACCESS_PORT);
const REMOTE_PORT = await freePort();
const EVIL_PORT = await freePort();
const TOKEN = 'e2e-access-token-0123456789abcdef';
const log: string[] = [];

function step(name: string) {
  console.log(`[e2e:access] ${new Date().toISOString().slice(11, 19)} ${name}`);
}

/** A page on another origin that posts a form to the dashboard as soon as it loads. */
function evilSite(target: string): Promise<Server> {
  const html = `<!doctype html><html><body>
<form id="f" method="post" action="${target}/api/runs" enctype="text/plain">
<input name='{"kind":"train","x":"' value='"}'></form>
<script>document.getElementById('f').submit()</script></body></html>`;
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html);
  });
  return new Promise((resolve) => server.listen(EVIL_PORT, '127.0.0.1', () => resolve(server)));
}

async function runCount(baseUrl: string): Promise<number> {
  const res = await fetch(`${baseUrl}/api/runs`);
  assert.equal(res.status, 200, `GET /api/runs answered ${res.status}`);
  return ((await res.json()) as { runs: unknown[] }).runs.length;
}

async function browserContext(): Promise<Browser> {
  // rebind.evil.example resolves to this machine, as a DNS-rebinding attacker would arrange.
  return openBrowser({ args: ['--host-resolver-rules=MAP rebind.evil.example 127.0.0.1'] });
}

async function loopbackChecks(stack: Stack, context: BrowserContext): Promise<void> {
  const { baseUrl } = stack;
  const page = context.pages()[0] ?? (await context.newPage());

  step('security headers on a page');
  const home = await page.goto(baseUrl);
  assert.equal(home?.status(), 200);
  const headers = home?.headers() ?? {};
  assert.equal(headers['x-frame-options'], 'DENY');
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.match(headers['content-security-policy'] ?? '', /frame-ancestors 'none'/);

  step('a cross-origin form POST is refused and creates nothing');
  const before = await runCount(baseUrl);
  const evil = await evilSite(baseUrl);
  try {
    const refused = page.waitForResponse(
      (r) => r.url() === `${baseUrl}/api/runs` && r.request().method() === 'POST',
    );
    await page.goto(`http://localhost:${EVIL_PORT}/`, { waitUntil: 'commit' });
    const response = await refused;
    assert.equal(response.status(), 403, `cross-origin POST answered ${response.status()}`);
    const body = (await response.json()) as { error?: string };
    assert.match(body.error ?? '', /another site|origin/, `unclear refusal: ${JSON.stringify(body)}`);
  } finally {
    evil.closeAllConnections();
    await new Promise((resolve) => evil.close(resolve));
  }
  assert.equal(await runCount(baseUrl), before, 'the refused POST created a run');

  step('the same POST from the dashboard itself reaches the route');
  const own = await page
    .goto(baseUrl)
    .then(() => page.evaluate(async () => (await fetch('/api/runs', { method: 'POST', body: '{}' })).status));
  assert.notEqual(own, 403, 'a same-origin POST was refused');

  step('malformed route parameters are refused with 400 naming the problem');
  for (const [route, problem] of [
    ['/api/runs/%E0%A4%A/cancel', /invalid percent-encoding/],
    ['/api/datasets/x%00y', /NUL/],
  ] as const) {
    const res = await fetch(`${baseUrl}${route}`, { method: route.endsWith('cancel') ? 'POST' : 'GET' });
    assert.equal(res.status, 400, `${route} answered ${res.status}`);
    assert.match(((await res.json()) as { error: string }).error, problem);
  }

  step('a foreign Host (DNS rebinding) is refused');
  const rebound = await page.goto(`http://rebind.evil.example:${PORT}/api/workers`);
  assert.equal(rebound?.status(), 400, `foreign Host answered ${rebound?.status()}`);
  assert.match((await rebound?.text()) ?? '', /unknown Host/);
}

async function remoteChecks(stack: Stack, context: BrowserContext): Promise<void> {
  const { baseUrl } = stack;
  const page = context.pages()[0] ?? (await context.newPage());

  step('beyond loopback the API wants the token');
  assert.equal((await fetch(`${baseUrl}/api/workers`)).status, 401);
  assert.equal((await fetch(`${baseUrl}/api/runs`)).status, 401);
  const wrong = await fetch(`${baseUrl}/api/runs`, { headers: { authorization: 'Bearer nope' } });
  assert.equal(wrong.status, 401);
  const right = await fetch(`${baseUrl}/api/workers`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(right.status, 200);

  step('a page sends the browser to sign in; a wrong token is refused');
  await page.goto(`${baseUrl}/runs`);
  assert.match(page.url(), /\/signin\?next=%2Fruns$/, `not sent to sign in: ${page.url()}`);
  await page.fill('[data-testid=signin-token]', 'wrong token');
  await page.click('[data-testid=signin-submit]');
  await page.waitForSelector('[data-testid=signin-error]');
  assert.equal((await context.cookies()).filter((c) => c.name === 'tunelab_session').length, 0);

  step('the right token signs in with an HttpOnly SameSite cookie');
  await page.fill('[data-testid=signin-token]', TOKEN);
  await page.click('[data-testid=signin-submit]');
  await page.waitForURL(`${baseUrl}/runs`);
  const cookie = (await context.cookies()).find((c) => c.name === 'tunelab_session');
  assert.ok(cookie, 'no session cookie');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.sameSite, 'Strict');
  const workers = await page.evaluate(async () => (await fetch('/api/workers')).status);
  assert.equal(workers, 200, 'signed in, /api/workers still refused');
}

async function main() {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  try {
    stack = await startStack({ port: PORT, worker: false, log });
    browser = await browserContext();
    await loopbackChecks(stack, browser.context);
    await browser.close();
    browser = undefined;
    await stack.stop();
    stack = undefined;

    stack = await startStack({
      port: REMOTE_PORT,
      worker: false,
      log,
      bind: '0.0.0.0',
      env: { TUNELAB_TOKEN: TOKEN },
    });
    browser = await browserContext();
    await remoteChecks(stack, browser.context);
    step('all steps passed');
  } catch (e) {
    console.error(log.slice(-40).join('\n'));
    throw e;
  } finally {
    await browser?.close();
    await stack?.stop();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`[e2e:access] FAILED: ${e instanceof Error ? e.stack : e}`);
    process.exit(1);
  },
);
