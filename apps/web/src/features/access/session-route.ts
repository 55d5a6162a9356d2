import {
  accessConfig,
  createSession,
  SESSION_COOKIE,
  SESSION_MAX_AGE_S,
  SIGN_IN_PATH,
  tokenMatches,
} from '@/server/access.ts';

/** Only same-site paths ("/runs?x=1"), never "//evil.example" or "https://…". */
export function localPath(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.startsWith('//') || next.includes('\\'))
    return '/';
  return next.slice(0, 2000);
}

function cookie(value: string, maxAge: number, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAge}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/**
 * POST /api/session — sign in with TUNELAB_TOKEN: a form (token, next) from the sign-in page, which
 * answers 303 to `next` with the session cookie (or back to the sign-in page), or JSON { token }.
 */
export async function POST(request: Request): Promise<Response> {
  const config = accessConfig();
  const isForm = (request.headers.get('content-type') ?? '').includes('application/x-www-form-urlencoded');
  let presented: unknown;
  let next = '/';
  try {
    if (isForm) {
      const form = new URLSearchParams((await request.text()).slice(0, 10_000));
      presented = form.get('token');
      next = localPath(form.get('next'));
    } else {
      presented = ((await request.json()) as { token?: unknown })?.token;
    }
  } catch {
    return Response.json({ error: 'send a form with "token", or JSON {"token": "..."}' }, { status: 400 });
  }
  if (!config.token) {
    return Response.json(
      { error: config.loopback ? 'sign-in is not needed on loopback' : 'TUNELAB_TOKEN is not set' },
      { status: config.loopback ? 400 : 503 },
    );
  }
  const secure = new URL(request.url).protocol === 'https:';
  if (typeof presented !== 'string' || !tokenMatches(presented, config.token)) {
    if (isForm) {
      const back = `${SIGN_IN_PATH}?${new URLSearchParams({ next, failed: '1' })}`;
      return new Response(null, { status: 303, headers: { location: back } });
    }
    return Response.json({ error: 'the token does not match TUNELAB_TOKEN' }, { status: 401 });
  }
  const headers = new Headers({
    'set-cookie': cookie(await createSession(config.token), SESSION_MAX_AGE_S, secure),
  });
  if (isForm) {
    headers.set('location', next);
    return new Response(null, { status: 303, headers });
  }
  return Response.json({ signedIn: true }, { headers });
}

/** DELETE /api/session — sign out (clears the cookie). */
export async function DELETE(request: Request): Promise<Response> {
  const secure = new URL(request.url).protocol === 'https:';
  return Response.json({ signedIn: false }, { headers: { 'set-cookie': cookie('', 0, secure) } });
}
