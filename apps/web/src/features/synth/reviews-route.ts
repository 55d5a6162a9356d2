import { z } from 'zod';
import { errorResponse, parseJsonBody } from '../../common/server/http.ts';
import { SESSION_COOKIE } from '../../server/access.ts';
import { requireUser } from '../../server/identity.ts';
import { submitReview } from './lib/review.ts';

/** The session cookie of a request (the route handlers' view of what `cookies()` gives actions). */
export function sessionCookieOf(request: Request): string | undefined {
  for (const part of (request.headers.get('cookie') ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=');
  }
  return undefined;
}

/**
 * POST /api/synth/reviews — { textId, decision, score, editedText?, blind? }: records the decision of
 * the signed-in person (session cookie; the loopback local user without accounts). A body naming a
 * reviewer is refused: the name is the session's.
 */
export async function POST(request: Request): Promise<Response> {
  try {
    const user = await requireUser(sessionCookieOf(request));
    const body = await parseJsonBody(request, z.record(z.string(), z.unknown()));
    if ('reviewer' in body || 'reviewerId' in body) {
      return Response.json(
        {
          error: `reviewer: not accepted in the body; reviews are recorded as the signed-in person (${user.name})`,
        },
        { status: 400 },
      );
    }
    await submitReview(user, body);
    return Response.json({ recorded: true, reviewer: user.name }, { status: 201 });
  } catch (error) {
    return errorResponse(error, 'synth');
  }
}
