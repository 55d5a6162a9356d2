import { checkPassword } from '@tunelab/db';
import {
  accessConfig,
  createSession,
  SESSION_COOKIE,
  SESSION_MAX_AGE_S,
  SIGN_IN_PATH,
  sessionSecret,
  tokenMatches,
} from '../../server/access.ts';

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

type TSignIn = { token: unknown } | { name: unknown; password: unknown } | { signOut: true };

/**
 * POST /api/session — sign in: with a person's account (name, password: `tunelab users add NAME`),
 * which names them on every review, or with TUNELAB_TOKEN (token; beyond loopback only, names
 * nobody). A form from the sign-in page (fields as above, plus next; `signout=1` signs out) answers
 * 303 to `next` with the session cookie, or back to the sign-in page; JSON answers JSON.
 */
export async function POST(request: Request): Promise<Response> {
  const config = accessConfig();
  const isForm = (request.headers.get('content-type') ?? '').includes('application/x-www-form-urlencoded');
  const secure = new URL(request.url).protocol === 'https:';
  let given: TSignIn;
  let next = '/';
  try {
    if (isForm) {
      const form = new URLSearchParams((await request.text()).slice(0, 10_000));
      next = localPath(form.get('next'));
      given = form.get('signout')
        ? { signOut: true }
        : form.has('name')
          ? { name: form.get('name'), password: form.get('password') }
          : { token: form.get('token') };
    } else {
      const body = ((await request.json()) ?? {}) as Record<string, unknown>;
      given = 'name' in body ? { name: body.name, password: body.password } : { token: body.token };
    }
  } catch {
    return Response.json(
      { error: 'send a form or JSON with "name" and "password" (or "token")' },
      { status: 400 },
    );
  }
  if ('signOut' in given) {
    const headers = new Headers({ 'set-cookie': cookie('', 0, secure), location: SIGN_IN_PATH });
    return new Response(null, { status: 303, headers });
  }
  const refuse = (failed: string, message: string, status = 401) => {
    if (isForm) {
      const back = `${SIGN_IN_PATH}?${new URLSearchParams({ next, failed })}`;
      return new Response(null, { status: 303, headers: { location: back } });
    }
    return Response.json({ error: message }, { status });
  };
  let session: string;
  let user: { id: string; name: string } | null = null;
  if ('name' in given) {
    user =
      typeof given.name === 'string' && typeof given.password === 'string'
        ? await checkPassword(given.name, given.password)
        : null;
    if (!user) return refuse('account', 'unknown name or wrong password');
    session = await createSession(sessionSecret(config), user);
  } else {
    if (!config.token) {
      return Response.json(
        {
          error: config.loopback
            ? 'sign-in with the token is not needed on loopback (sign in with your name and password to review)'
            : 'TUNELAB_TOKEN is not set',
        },
        { status: config.loopback ? 400 : 503 },
      );
    }
    if (typeof given.token !== 'string' || !tokenMatches(given.token, config.token)) {
      return refuse('token', 'the token does not match TUNELAB_TOKEN');
    }
    session = await createSession(config.token);
  }
  const headers = new Headers({ 'set-cookie': cookie(session, SESSION_MAX_AGE_S, secure) });
  if (isForm) {
    headers.set('location', next);
    return new Response(null, { status: 303, headers });
  }
  return Response.json({ signedIn: true, user: user?.name ?? null }, { headers });
}

/** DELETE /api/session — sign out (clears the cookie). */
export async function DELETE(request: Request): Promise<Response> {
  const secure = new URL(request.url).protocol === 'https:';
  return Response.json({ signedIn: false }, { headers: { 'set-cookie': cookie('', 0, secure) } });
}
