import { randomBytes } from 'node:crypto';
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

/** Creates a uniquely named database on the test server and applies all migrations to it. */
export async function createTestDatabase(label = 'test'): Promise<TTestDatabase> {
  const name = `tunelab_${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${randomBytes(5).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = serverUrl();
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  try {
    await applyMigrations(databaseUrl);
  } catch (error) {
    await dropDatabase(name);
    throw error;
  }
  return { databaseUrl, name, drop: () => dropDatabase(name) };
}

export async function dropDatabase(name: string): Promise<void> {
  // WITH (FORCE) ends sessions a test left open (PostgreSQL 13+).
  await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}
