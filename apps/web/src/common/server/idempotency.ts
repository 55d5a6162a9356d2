// Idempotent creates (datasets, model imports): a client sends an Idempotency-Key header (or a
// clientKey form field) and a retry of a create that already happened (the client timed out, the
// connection dropped) answers the row the first one made instead of storing the upload twice. The
// key is unique per table, so two concurrent creates with one key store one row.
import { z } from 'zod';

/** A client's key that makes a create idempotent (header Idempotency-Key, or field clientKey). */
export const ZClientKey = z
  .string()
  .trim()
  .min(1)
  .max(200, 'Idempotency-Key: at most 200 characters')
  .regex(/^[A-Za-z0-9._:-]+$/, 'Idempotency-Key: letters, digits and . _ : - only');

/** The Idempotency-Key header, else the clientKey field; checked (ZodError → 400), or undefined. */
export function clientKeyOf(request: Request, field?: string): string | undefined {
  const raw = request.headers.get('idempotency-key') ?? field;
  return raw === undefined || raw === null || raw === '' ? undefined : ZClientKey.parse(raw);
}

/** Prisma's unique-constraint violation (another create with the same key won the race). */
function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === 'P2002';
}

/**
 * Runs `create` once per client key: the row an earlier create with `clientKey` made is answered
 * again with `replayed: true` (before any work, and when a concurrent create with the same key
 * stored it first); without a key, `create` just runs. `create` must store `clientKey` on its row.
 */
export async function createOnce<T extends object>(
  clientKey: string | undefined,
  find: (clientKey: string) => Promise<T | null>,
  create: () => Promise<T>,
): Promise<T & { replayed?: true }> {
  if (clientKey) {
    const earlier = await find(clientKey);
    if (earlier) return { ...earlier, replayed: true };
  }
  try {
    return await create();
  } catch (error) {
    if (clientKey && isUniqueViolation(error)) {
      const earlier = await find(clientKey);
      if (earlier) return { ...earlier, replayed: true };
    }
    throw error;
  }
}
