// The one place route handlers turn input and errors into HTTP: every handler parses its input with
// zod (`parseJsonBody`, `parseSearch`) and answers failures through `errorResponse`, so a bad request
// always reads `{ error, code?, ... }` with a message that names the field.
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

/**
 * Maps an error to its response: HttpError → its status; ZodError → 400 naming every bad field;
 * anything else → 500 with its message (and a log line under `scope`).
 */
export function errorResponse(error: unknown, scope = 'web'): Response {
  if (error instanceof HttpError) {
    return jsonError(error.status, error.message, { code: error.code, ...error.extra });
  }
  if (error instanceof z.ZodError) {
    return jsonError(400, zodMessage(error), { code: 'invalid_request', issues: error.issues });
  }
  console.error(`[${scope}]`, error);
  return jsonError(500, error instanceof Error ? error.message : String(error), { code: 'internal' });
}

/** Server actions answer `{ error }` instead of throwing, so the form can show the reason. */
export function actionError(error: unknown): { error: string } {
  if (error instanceof z.ZodError) return { error: zodMessage(error) };
  return { error: error instanceof Error ? error.message : String(error) };
}
