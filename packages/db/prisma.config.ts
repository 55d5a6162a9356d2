// Prisma CLI configuration (generate, migrate). Runs the wasm schema engine through the pg driver
// adapter because the native engines cannot be downloaded here (a known Prisma 6 limit on machines without network access).
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { createPgAdapter } from './src/pg-adapter.ts';

const root = path.resolve(import.meta.dirname, '../..');
const databaseUrl = process.env.DATABASE_URL;
// `prisma generate` never connects, but the schema's env("DATABASE_URL") must resolve or the CLI
// falls back to downloading a native engine; a placeholder keeps it offline.
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/unset';

export default defineConfig({
  schema: path.join(root, 'prisma/schema.prisma'),
  migrations: { path: path.join(root, 'prisma/migrations') },
  experimental: { adapter: true },
  engine: 'js',
  async adapter() {
    const url = databaseUrl;
    if (!url) throw new Error('DATABASE_URL is not set (needed by prisma migrate)');
    // Idle pooled connections would hold the CLI open for pg's 10 s idle timeout.
    return createPgAdapter(url, { allowExitOnIdle: true, idleTimeoutMillis: 100 });
  },
});
