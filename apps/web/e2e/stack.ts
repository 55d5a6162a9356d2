// Starts a throw-away TuneLab stack for browser tests and benchmarks: a fresh database (migrated),
// its own Redis prefix and artifact folder, one worker process and `next start` (built app).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCoreEnv } from '@tunelab/core/env';
import { createTestDatabase, createTestRedisPrefix, deleteRedisPrefix } from '@tunelab/db/testing';
import { Redis } from 'ioredis';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const WEB_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = path.resolve(WEB_DIR, '../..');

export interface Stack {
  baseUrl: string;
  env: NodeJS.ProcessEnv;
  databaseUrl: string;
  stop(): Promise<void>;
}

export function startGroup(
  name: string,
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  log: string[],
): ChildProcess {
  // its own process group, so stopping it also stops next-server / sandboxed children
  const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) log.push(`[${name}] ${line}`);
    if (log.length > 400) log.splice(0, log.length - 400);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return child;
}

export async function killGroup(child: ChildProcess | undefined, graceMs = 8000): Promise<void> {
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs));
  if ((await Promise.race([exited, timer])) === 'timeout') {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs: number,
  everyMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(
    `Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${lastError})` : ''}`,
  );
}

export async function startStack(opts: {
  port: number;
  worker?: boolean;
  log: string[];
  /** Address `next start` binds (and HOST, which the access rules read); 127.0.0.1 by default. */
  bind?: string;
  /** More environment for web and worker (TUNELAB_TOKEN, ...). */
  env?: Record<string, string>;
}): Promise<Stack> {
  const db = await createTestDatabase('e2e');
  const prefix = createTestRedisPrefix('e2e');
  const artifacts = await mkdtemp(path.join(tmpdir(), 'tunelab-e2e-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: db.databaseUrl,
    TUNELAB_REDIS_PREFIX: prefix,
    TUNELAB_ARTIFACTS_DIR: artifacts,
    TUNELAB_STATE_DIR: artifacts,
    TUNELAB_HEARTBEAT_MS: '2000',
    NEXT_TELEMETRY_DISABLED: '1',
    NODE_ENV: 'production',
    PORT: String(opts.port),
    HOST: opts.bind ?? '127.0.0.1',
    ...opts.env,
  };
  const procs: ChildProcess[] = [];
  const stop = async () => {
    for (const p of procs.reverse()) await killGroup(p);
    await db.drop().catch((e) => console.error(`[e2e] could not drop ${db.name}: ${e}`));
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    await deleteRedisPrefix(redis, prefix).catch(() => undefined);
    await redis.quit();
    await rm(artifacts, { recursive: true, force: true });
  };
  try {
    const nextBin = path.join(REPO_ROOT, 'node_modules/next/dist/bin/next');
    procs.push(
      startGroup(
        'web',
        process.execPath,
        [nextBin, 'start', '-p', String(opts.port), '-H', opts.bind ?? '127.0.0.1'],
        WEB_DIR,
        env,
        opts.log,
      ),
    );
    if (opts.worker !== false) {
      procs.push(
        startGroup(
          'worker',
          process.execPath,
          ['--import', 'tsx', 'apps/worker/src/main.ts'],
          REPO_ROOT,
          env,
          opts.log,
        ),
      );
    }
    const baseUrl = `http://127.0.0.1:${opts.port}`;
    await waitFor(
      'the web app to answer /api/workers',
      async () =>
        (
          await fetch(`${baseUrl}/api/workers`, {
            headers: env.TUNELAB_TOKEN ? { authorization: `Bearer ${env.TUNELAB_TOKEN}` } : {},
          })
        ).ok,
      60_000,
    );
    return { baseUrl, env, databaseUrl: db.databaseUrl, stop };
  } catch (e) {
    console.error(opts.log.slice(-40).join('\n'));
    await stop();
    throw e;
  }
}

/** Debian's Chromium (or TUNELAB_CHROMIUM); throws saying how to install it when missing. */
export function chromiumExecutable(): string {
  const chromiumPath = readCoreEnv().TUNELAB_CHROMIUM;
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `No Chromium at ${chromiumPath}: install it (apt-get install -y chromium) or set TUNELAB_CHROMIUM`,
    );
  }
  return chromiumPath;
}

/** A port nobody listens on now (other stacks may share this machine), or `override` when set. */
export async function freePort(override?: string): Promise<number> {
  if (override) return Number(override);
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  /** The context's first page. */
  page: Page;
  /** Closes Chromium and removes its profile folder. */
  close(): Promise<void>;
}

/**
 * Headless Chromium (chromiumExecutable()) in a throw-away profile, with CHROMIUM_ARGS and `args`
 * added. Every browser test opens its browser here.
 */
export async function openBrowser(
  options: {
    viewport?: { width: number; height: number };
    args?: string[];
    acceptDownloads?: boolean;
    /** Profile folder (removed on close); a new temporary one by default. */
    profileDir?: string;
  } = {},
): Promise<Browser> {
  const profile = options.profileDir ?? (await mkdtemp(path.join(tmpdir(), 'tunelab-e2e-chrome-')));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumExecutable(),
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
    viewport: options.viewport ?? { width: 1280, height: 900 },
    acceptDownloads: options.acceptDownloads ?? true,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}
