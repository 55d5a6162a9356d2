import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function prismaCli(): string {
  return path.join(path.dirname(require.resolve('prisma/package.json')), 'build/index.js');
}

/**
 * Runs the Prisma CLI (wasm schema engine via prisma.config.ts) in a child process.
 * A child, not an in-process call: the CLI reads its config from the working directory and calls
 * process.exit.
 */
function runPrisma(args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', './src/unref-timers.ts', prismaCli(), ...args],
      {
        cwd: packageDir,
        env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`prisma ${args.join(' ')} failed (exit ${code}):\n${output.trim()}`));
    });
  });
}

const migrationsDir = path.resolve(packageDir, '../../prisma/migrations');

/**
 * The migrations in prisma/migrations the database has not finished applying (all of them when it
 * has no migrations table yet). Any doubt (no connection, a failed or rolled-back migration) counts
 * as pending: the Prisma CLI then decides.
 */
export async function pendingMigrations(databaseUrl: string): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    const applied = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const unfinished = await client.query(
      `SELECT 1 FROM _prisma_migrations WHERE finished_at IS NULL AND rolled_back_at IS NULL LIMIT 1`,
    );
    if (unfinished.rowCount) return names;
    const done = new Set(applied.rows.map((row) => row.migration_name));
    return names.filter((name) => !done.has(name));
  } catch {
    return names;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Applies every pending migration in prisma/migrations to the given database. The Prisma CLI only
 * runs when something is pending: a restart with nothing to apply skips its 3-15 s start-up.
 */
export async function applyMigrations(databaseUrl: string): Promise<string> {
  if ((await pendingMigrations(databaseUrl)).length === 0) return 'No pending migrations to apply.';
  return runPrisma(['migrate', 'deploy'], { DATABASE_URL: databaseUrl });
}
