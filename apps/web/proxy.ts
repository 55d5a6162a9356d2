// Every request passes here first: the access rules of src/server/access.ts, and security headers.
import { type NextRequest, NextResponse } from 'next/server';
import {
  accessConfig,
  decideAccess,
  SECURITY_HEADERS,
  SESSION_COOKIE,
  SIGN_IN_PATH,
} from '@/server/access.ts';
import { requestPathProblem } from '@/server/request-path.ts';
import { requestTooLarge } from '@/server/upload-limit.ts';

const config_ = accessConfig();

function withSecurityHeaders(response: NextResponse): NextResponse {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
  return response;
}

export async function proxy(request: NextRequest): Promise<NextResponse> {
  const raw = new URL(request.url);
  const pathProblem = requestPathProblem(raw.pathname, raw.search.slice(1));
  if (pathProblem) return withSecurityHeaders(NextResponse.json({ error: pathProblem }, { status: 400 }));
  const tooLarge = requestTooLarge(request.headers.get('content-length'));
  if (tooLarge)
    return withSecurityHeaders(NextResponse.json({ error: tooLarge, code: 'too_large' }, { status: 413 }));
  const decision = await decideAccess(
    {
      method: request.method,
      pathname: request.nextUrl.pathname,
      host: request.headers.get('host'),
      origin: request.headers.get('origin'),
      secFetchSite: request.headers.get('sec-fetch-site'),
      authorization: request.headers.get('authorization'),
      sessionCookie: request.cookies.get(SESSION_COOKIE)?.value,
    },
    config_,
  );
  if (decision.allow) return withSecurityHeaders(NextResponse.next());
  const wantsPage =
    request.method === 'GET' &&
    !request.nextUrl.pathname.startsWith('/api/') &&
    (request.headers.get('accept') ?? '').includes('text/html');
  if (decision.signIn && wantsPage) {
    const target = new URL(SIGN_IN_PATH, request.nextUrl);
    target.search = new URLSearchParams({
      next: request.nextUrl.pathname + request.nextUrl.search,
    }).toString();
    return withSecurityHeaders(NextResponse.redirect(target, 303));
  }
  return withSecurityHeaders(
    NextResponse.json(
      { error: decision.message },
      { status: decision.status, headers: { 'cache-control': 'no-store' } },
    ),
  );
}

export const config = {
  // Everything but built assets (their names are content hashes; they hold no data).
  matcher: ['/((?!_next/static|_next/image).*)'],
};
