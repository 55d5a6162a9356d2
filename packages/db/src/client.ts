import { PrismaClient } from '@prisma/client';
import { createPgAdapter } from './pg-adapter.ts';

export type * from '@prisma/client';
export { Prisma, PrismaClient } from '@prisma/client';

/** A client bound to one database; tests make their own, apps use the singleton. */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  // A bounded connect timeout so an unreachable server fails a request (and /api/health) instead of
  // hanging it.
  return new PrismaClient({
    adapter: createPgAdapter(databaseUrl, { max: 10, connectionTimeoutMillis: 5_000 }),
  });
}

// Kept on globalThis so Next.js dev-mode module reloads do not open a new pool each time.
const holder = globalThis as typeof globalThis & { __tunelabPrisma?: PrismaClient };

/** The per-process client, created on first use from DATABASE_URL. */
export function getPrisma(): PrismaClient {
  if (!holder.__tunelabPrisma) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error('DATABASE_URL is not set: cannot connect to PostgreSQL');
    holder.__tunelabPrisma = createPrismaClient(url);
  }
  return holder.__tunelabPrisma;
}

/** Closes the per-process client (graceful shutdown, end of tests). */
export async function disconnectPrisma(): Promise<void> {
  const client = holder.__tunelabPrisma;
  holder.__tunelabPrisma = undefined;
  if (client) await client.$disconnect();
}

/**
 * Lazy proxy to the singleton so `import { prisma }` never connects at import time (Next.js
 * imports route modules during `next build`, with no database around).
 */
export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = getPrisma();
    const value = Reflect.get(client, property, client);
    return typeof value === 'function' ? value.bind(client) : value;
  },
});
