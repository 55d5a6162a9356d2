import { readdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingMigrations } from './migrate.ts';
import { createTestDatabase, type TTestDatabase } from './testing.ts';

let db: TTestDatabase;
let all: string[];

beforeAll(async () => {
  db = await createTestDatabase('migrate_pending');
  const dir = path.resolve(import.meta.dirname, '../../../prisma/migrations');
  all = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
});
afterAll(async () => {
  await db?.drop();
});

async function sql(text: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: db.databaseUrl });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

describe('pendingMigrations (npm start runs the Prisma CLI only when something is pending)', () => {
  it('is empty on a migrated database and names a migration it lacks', async () => {
    expect(all.length).toBeGreaterThan(1);
    expect(await pendingMigrations(db.databaseUrl)).toEqual([]);
    const last = all.at(-1) as string;
    await sql('UPDATE _prisma_migrations SET migration_name = $1 WHERE migration_name = $2', [
      `${last}_x`,
      last,
    ]);
    expect(await pendingMigrations(db.databaseUrl)).toEqual([last]);
    await sql('UPDATE _prisma_migrations SET migration_name = $1 WHERE migration_name = $2', [
      last,
      `${last}_x`,
    ]);
  });

  it('counts everything as pending when a migration failed half-way, or with no migrations table', async () => {
    await sql('UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = $1', [all[0]]);
    expect(await pendingMigrations(db.databaseUrl)).toEqual(all);
    await sql('DROP TABLE _prisma_migrations');
    expect(await pendingMigrations(db.databaseUrl)).toEqual(all);
  });

  it('counts everything as pending when the database cannot be reached', async () => {
    const url = new URL(db.databaseUrl);
    url.pathname = '/tunelab_no_such_database_here';
    expect(await pendingMigrations(url.toString())).toEqual(all);
  });
});
