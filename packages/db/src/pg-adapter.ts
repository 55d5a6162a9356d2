import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

/**
 * Connection fields for the Prisma pg adapter.
 *
 * Prisma 6's JS schema engine derives the shadow database from these fields; with a single
 * `connectionString` it reused the main database as the shadow one (P3006 on the second
 * `migrate dev`), so the URL is split into separate fields.
 */
export function poolConfigFromUrl(databaseUrl: string): pg.PoolConfig {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new Error(`DATABASE_URL is not a valid URL: ${redactUrl(databaseUrl)}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(`DATABASE_URL must start with postgresql:// (got ${url.protocol})`);
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database)
    throw new Error('DATABASE_URL names no database (expected postgresql://user@host:port/name)');
  return {
    host: url.hostname || '127.0.0.1',
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username || 'postgres'),
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database,
  };
}

export function redactUrl(databaseUrl: string): string {
  return databaseUrl.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

let patched = false;

/**
 * Works around prisma/prisma#27403: the migration engine introspects catalog columns of Postgres
 * types `char` (oid 18) and `name` (oid 19), which the adapter cannot map ("Column type 'name'
 * could not be deserialized"). Both are plain text on the wire, so we relabel them as `text` (25)
 * before the adapter looks at the field types.
 */
export function patchPgCatalogTypes(): void {
  if (patched) return;
  patched = true;
  const ResultClass = (pg as unknown as { Result: { prototype: { addFields(f: pg.FieldDef[]): void } } })
    .Result;
  const original = ResultClass.prototype.addFields;
  ResultClass.prototype.addFields = function addFields(fields: pg.FieldDef[]) {
    for (const field of fields) {
      if (field.dataTypeID === 18 || field.dataTypeID === 19) field.dataTypeID = 25;
    }
    original.call(this, fields);
  };
}

export function createPgAdapter(databaseUrl: string, pool: Partial<pg.PoolConfig> = {}): PrismaPg {
  patchPgCatalogTypes();
  return new PrismaPg({ ...poolConfigFromUrl(databaseUrl), ...pool });
}
