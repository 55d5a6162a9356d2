import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { applyMigrations } from './migrate.ts';
import { poolConfigFromUrl } from './pg-adapter.ts';

export { createTestRedisPrefix, deleteRedisPrefix } from './redis-prefix.ts';

export interface TTestDatabase {
  databaseUrl: string;
  name: string;
  drop(): Promise<void>;
}

/** The server tests run against: DATABASE_URL's server (as set by `npm test`), else local. */
function serverUrl(): URL {
  return new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const url = serverUrl();
  url.pathname = '/postgres';
  const client = new pg.Client(poolConfigFromUrl(url.toString()));
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const MIGRATIONS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../prisma/migrations');

/** A short hash of every migration file: names the template database migrated to exactly them. */
async function migrationsHash(): Promise<string> {
  const hash = createHash('sha256');
  const add = async (dir: string, prefix: string) => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((x, y) =>
      x.name.localeCompare(y.name),
    );
    for (const entry of entries) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) await add(file, `${prefix}${entry.name}/`);
      else if (entry.isFile()) hash.update(`${prefix}${entry.name}\0`).update(await readFile(file));
    }
  };
  await add(MIGRATIONS, '');
  return hash.digest('hex').slice(0, 12);
}

let templateReady: Promise<string> | undefined;

/**
 * The name of a database on the test server migrated to the current migrations, made once per
 * migrations hash (and per server: it stays for the next test run). Running `prisma migrate deploy`
 * costs a Prisma CLI process (seconds, tens of seconds on a loaded machine); copying a template
 * database costs milliseconds. Made under a temporary name and renamed when complete, so a
 * concurrent test process never copies a half-migrated one.
 */
export function migratedTemplate(): Promise<string> {
  templateReady ??= (async () => {
    const template = `tunelab_template_${await migrationsHash()}`;
    const exists = await withAdmin(
      async (client) =>
        (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [template])).rowCount === 1,
    );
    if (exists) return template;
    const building = `${template}_${randomBytes(4).toString('hex')}`;
    await withAdmin((client) => client.query(`CREATE DATABASE "${building}"`));
    try {
      const url = serverUrl();
      url.pathname = `/${building}`;
      await applyMigrations(url.toString());
      await withAdmin((client) => client.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`));
    } catch (error) {
      await dropDatabase(building);
      // 42P04 duplicate_database: another test process renamed its copy first; use that one.
      if ((error as { code?: string }).code !== '42P04') throw error;
    }
    return template;
  })();
  templateReady.catch(() => {
    templateReady = undefined;
  });
  return templateReady;
}

/** Creates a uniquely named database on the test server with every migration applied (a copy of the template). */
export async function createTestDatabase(label = 'test'): Promise<TTestDatabase> {
  const name = `tunelab_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(5).toString('hex')}`;
  const template = await migratedTemplate();
  for (let attempt = 0; ; attempt++) {
    try {
      await withAdmin((client) => client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
      break;
    } catch (error) {
      // "source database is being accessed by other users": another process is copying it right now.
      if (attempt >= 20 || !/being accessed by other users/.test((error as Error).message)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 + 100 * attempt));
    }
  }
  const url = serverUrl();
  url.pathname = `/${name}`;
  return { databaseUrl: url.toString(), name, drop: () => dropDatabase(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  // WITH (FORCE) ends sessions a test left open (PostgreSQL 13+).
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
