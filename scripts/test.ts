// `npm test`: finds (or starts) PostgreSQL and Redis, creates a database for this run, generates the
// Prisma client, migrates, runs every workspace's tests through turbo (then the web e2e tests if
// apps/web has a test:e2e script), and always cleans up: database, Redis keys, temp artifacts.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DRILLS_APART } from '../apps/worker/test/drills-apart.ts';
import { run } from './lib/processes.ts';
import { dropDatabase, ensureDatabase, ensurePostgres, ensureRedis, type TService } from './lib/services.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (line: string) => console.log(`[tunelab:test] ${line}`);
const runId = randomBytes(4).toString('hex');

/**
 * Runs a command, echoing its output while keeping a copy to count vitest's results; with
 * `echo: false` the output is only kept (a run beside another, printed when it is done).
 */
function runTee(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { cwd?: string; echo?: boolean } = {},
): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? root,
      env,
      stdio: [options.echo === false ? 'ignore' : 'inherit', 'pipe', 'pipe'],
    });
    let output = '';
    const forward = (target: NodeJS.WriteStream) => (chunk: Buffer) => {
      if (options.echo !== false) target.write(chunk);
      output += chunk.toString();
    };
    child.stdout.on('data', forward(process.stdout));
    child.stderr.on('data', forward(process.stderr));
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output }));
  });
}

/** Sums vitest's "Tests  N failed | M passed" lines (ANSI colours removed). */
export function countResults(output: string): { passed: number; failed: number } {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escape codes
  const plain = output.replace(/\u001b\[[0-9;]*m/g, '');
  let passed = 0;
  let failed = 0;
  for (const line of plain.split('\n')) {
    const match = /^\s*(?:\S+:test:\s*)?Tests\s+(.*)$/.exec(line);
    if (!match?.[1] || !/\(\d+\)/.test(match[1])) continue;
    passed += Number(/(\d+) passed/.exec(match[1])?.[1] ?? 0);
    failed += Number(/(\d+) failed/.exec(match[1])?.[1] ?? 0);
  }
  return { passed, failed };
}

async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

async function main(): Promise<number> {
  const stateDir = path.join(root, '.tunelab', 'test');
  const services: TService[] = [];
  let databaseUrl: string | undefined;
  let redisUrl: string | undefined;
  const prefix = `tunelab-test-${runId}`;
  const artifacts = await mkdtemp(path.join(os.tmpdir(), 'tunelab-test-artifacts-'));
  let code = 1;
  let output = '';
  let apart: Promise<{ code: number; output: string }> | undefined;
  try {
    // TUNELAB_TEST_EMBEDDED=1 skips the local servers (to check the fallback CI may need).
    const tryLocal = process.env.TUNELAB_TEST_EMBEDDED !== '1';
    if (!tryLocal) {
      delete process.env.DATABASE_URL;
      delete process.env.REDIS_URL;
    }
    const postgres = await ensurePostgres({ stateDir, tryLocal, database: 'postgres' });
    services.push(postgres);
    const redis = await ensureRedis({ stateDir, tryLocal });
    services.push(redis);
    redisUrl = redis.url;
    const url = new URL(postgres.url);
    url.pathname = `/tunelab_test_run_${runId}`;
    databaseUrl = url.toString();
    await ensureDatabase(databaseUrl);

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      TUNELAB_REDIS_PREFIX: prefix,
      TUNELAB_ARTIFACTS_DIR: artifacts,
      TUNELAB_STATE_DIR: artifacts,
      NEXT_TELEMETRY_DISABLED: '1',
      TURBO_TELEMETRY_DISABLED: '1',
      CI: process.env.CI ?? '1',
    };

    log('generating the Prisma client and migrating the test database');
    if ((await run('npm', ['run', '--silent', 'generate', '-w', '@tunelab/db'], { cwd: root, env })) !== 0) {
      throw new Error('prisma generate failed');
    }
    const { applyMigrations } = await import('../packages/db/src/migrate.ts');
    await applyMigrations(databaseUrl);
    // Every test file's database is a copy of one migrated template (packages/db/src/testing.ts): make
    // it here, once, before parallel test processes would each race to make it.
    process.env.DATABASE_URL = databaseUrl;
    const { migratedTemplate } = await import('../packages/db/src/testing.ts');
    await migratedTemplate();

    // The drills that mostly wait (PostgreSQL away for 60 s) run beside everything else, so their
    // waiting is not on the critical path; apps/worker's own run leaves them out (vitest.config.ts).
    log('running the waiting fault drills beside the rest (apps/worker DRILLS_APART; output at the end)');
    apart = runTee(
      'npx',
      ['vitest', 'run', ...DRILLS_APART],
      { ...env, TUNELAB_DRILL_PG_DOWN_S: process.env.TUNELAB_DRILL_PG_DOWN_S ?? '60' },
      { cwd: path.join(root, 'apps/worker'), echo: false },
    ).catch((error: Error) => ({ code: 1, output: `could not run the drills: ${error.message}\n` }));

    // Two cores are shared: run one workspace's tests at a time, each with vitest's own parallelism
    // (vitest.base.ts). --only: the Prisma client was generated above, so turbo skips its `generate`.
    const turbo = await runTee(
      'npx',
      [
        'turbo',
        'run',
        'test',
        '--only',
        '--concurrency=1',
        '--continue',
        '--output-logs=full',
        '--log-prefix=task',
      ],
      { ...env, TUNELAB_DRILLS_APART: '1' },
    );
    code = turbo.code;
    output += turbo.output;

    const drilled = await apart;
    apart = undefined;
    log('the waiting fault drills (run beside the rest):');
    process.stdout.write(drilled.output);
    output += drilled.output;
    if (drilled.code !== 0) code = code || drilled.code;

    log('running the start-up drills (scripts/lib)');
    const drills = await runTee('npx', ['vitest', 'run', '--dir', 'scripts'], env);
    output += drills.output;
    if (drills.code !== 0) code = code || drills.code;

    const webPackage = JSON.parse(await readFile(path.join(root, 'apps/web/package.json'), 'utf8')) as {
      scripts?: Record<string, string>;
    };
    if (webPackage.scripts?.['test:e2e']) {
      log('running the web end-to-end tests (apps/web test:e2e)');
      const e2e = await runTee('npm', ['run', 'test:e2e', '-w', '@tunelab/web'], env);
      output += e2e.output;
      if (e2e.code !== 0) code = code || e2e.code;
    }
  } catch (error) {
    console.error(`[tunelab:test] ${(error as Error).message}`);
    code = 1;
  } finally {
    // a run that failed early still waits for the drills beside it before cleaning up
    if (apart) await apart;
    if (databaseUrl)
      await dropDatabase(databaseUrl).catch((error: Error) => log(`drop failed: ${error.message}`));
    if (redisUrl)
      await deleteRedisKeys(redisUrl, prefix).catch((error: Error) =>
        log(`redis cleanup failed: ${error.message}`),
      );
    await rm(artifacts, { recursive: true, force: true });
    for (const service of services.reverse()) await service.stop().catch(() => undefined);
  }
  const { passed, failed } = countResults(output);
  if (passed + failed > 0) console.log(`${passed} passed, ${failed} failed`);
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
