// The one place route handlers turn input and errors into HTTP: every handler parses its input with
// zod (`parseJsonBody`, `parseSearch`) and answers failures through `errorResponse`, so a bad request
// always reads `{ error, code?, ... }` with a message that names the field.
import { randomUUID } from 'node:crypto';
import { InputError, withoutServerPaths } from '@tunelab/core/errors';
import { getArtifactStore } from '@tunelab/db';
import { z } from 'zod';

/** A request problem with the status it maps to (missing file, unknown id, refused launch). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function jsonError(status: number, error: string, extra?: Record<string, unknown>): Response {
  return Response.json({ error, ...extra }, { status, headers: { 'cache-control': 'no-store' } });
}

/** "field: message; other: message" — names which input is wrong. */
export function zodMessage(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
}

/** Parses a JSON body with `schema`; a body that is not JSON is a 400 naming that. */
export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<z.output<S>> {
  const text = await request.text();
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new HttpError(
      400,
      'invalid_json',
      `The request body is not valid JSON: ${(error as Error).message}`,
    );
  }
  return schema.parse(body);
}

/** Parses the query string with `schema` (use z.coerce for numbers). */
export function parseSearch<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  return schema.parse(Object.fromEntries(new URL(request.url).searchParams));
}

/** File-system failures that mean the artifact store cannot take a write. */
const STORE_CODES: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left',
  EDQUOT: 'disk quota exceeded',
};

/** A 507 naming the artifact store (never its server path) for a write it refused, else undefined. */
export function storeError(error: unknown): HttpError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string' || !(code in STORE_CODES)) return undefined;
  return new HttpError(
    507,
    'store_unwritable',
    `The artifact store (TUNELAB_ARTIFACTS_DIR) cannot be written: ${STORE_CODES[code]} (${code}). Nothing was stored; fix the store's permissions or free space and try again.`,
  );
}

/** Errors whose text is internal (database driver, SQL with row values, stack-like): never shown. */
function isInternal(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  const name = `${error.name} ${error.constructor?.name ?? ''}`;
  if (/Prisma|DriverAdapter|Postgres|Redis|ReplyError/i.test(name)) return true;
  if (typeof (error as NodeJS.ErrnoException).errno === 'number') return true; // system errors
  return /\b(INSERT|UPDATE|SELECT|DELETE)\b.*\b(INTO|FROM|SET)\b|invalid byte sequence|prisma\./i.test(
    error.message,
  );
}

/** A message safe to show: internal errors become a reference to the server log. */
export function publicMessage(error: unknown, scope: string): string {
  if (!isInternal(error)) return withoutServerPaths((error as Error).message, getArtifactStore().root);
  const reference = randomUUID().slice(0, 8);
  console.error(`[${scope}] internal error ${reference}:`, error);
  return `Internal error (reference ${reference}); the server log has the details`;
}

/**
 * Maps an error to its response: a request the client aborted → 499; HttpError → its status;
 * ZodError → 400 naming every bad field;
 * a refused store write → 507 naming the store; an InputError → 422 with its message; anything
 * else → 500 whose body holds no internal text (no Prisma/SQL text, no server paths): the server
 * log has it, under a reference the body gives.
 */
export function errorResponse(error: unknown, scope = 'web'): Response {
  if (error instanceof Error && error.name === 'AbortError') {
    // nobody reads this answer; it is what the log and a proxy see
    return jsonError(499, 'The client closed the request before it was done; nothing was stored', {
      code: 'client_closed',
    });
  }
  const store = storeError(error);
  if (store) console.error(`[${scope}]`, error);
  const known = error instanceof HttpError ? error : store;
  if (known) return jsonError(known.status, known.message, { code: known.code, ...known.extra });
  if (error instanceof z.ZodError) {
    return jsonError(400, zodMessage(error), { code: 'invalid_request', issues: error.issues });
  }
  if (error instanceof InputError) {
    return jsonError(422, withoutServerPaths(error.message, getArtifactStore().root), {
      code: 'invalid_input',
    });
  }
  if (!isInternal(error)) console.error(`[${scope}]`, error);
  return jsonError(500, publicMessage(error, scope), { code: 'internal' });
}

/** Server actions answer `{ error }` instead of throwing, so the form can show the reason. */
export function actionError(error: unknown): { error: string } {
  if (error instanceof z.ZodError) return { error: zodMessage(error) };
  const store = storeError(error);
  if (store) return { error: store.message };
  return { error: publicMessage(error, 'web:action') };
}
