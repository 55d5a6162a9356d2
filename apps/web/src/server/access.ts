// Who may drive the dashboard. One place for the rules (proxy.ts applies them to every request):
// - every request: the Host header must name this dashboard (no DNS rebinding);
// - changes (POST, PUT, PATCH, DELETE, server actions): only from the dashboard's own pages
//   (Origin / Sec-Fetch-Site), so a page the researcher visits cannot drive it, on loopback too;
// - beyond loopback (HOST other than 127.0.0.1 / ::1 / localhost): sign-in, as
//   `Authorization: Bearer <TUNELAB_TOKEN>` (API) or the session cookie the sign-in page sets (browser),
//   with TUNELAB_TOKEN or a person's account (`tunelab users add NAME`). A person's session names them
//   (src/server/identity.ts: who reviews); the token's session names nobody.
import { createHash, hkdfSync, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { hostname as machineName } from 'node:os';
import { installationSecret } from '@tunelab/db/secrets';
import { jwtVerify, SignJWT } from 'jose';

export { SECURITY_HEADERS } from './security-headers.ts';

export const SESSION_COOKIE = 'tunelab_session';
export const SESSION_MAX_AGE_S = 7 * 24 * 3600;
export const SIGN_IN_PATH = '/signin';
export const SESSION_API_PATH = '/api/session';

const LOOPBACK_BINDS = new Set(['', '127.0.0.1', '::1', 'localhost']);
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface TAccessConfig {
  /** Bound to loopback only (the default): no sign-in needed. */
  loopback: boolean;
  /** TUNELAB_TOKEN; required beyond loopback. */
  token: string | undefined;
  /** Host names (without port) that name this dashboard. */
  allowedHosts: Set<string>;
}

/** Reads HOST, TUNELAB_TOKEN and TUNELAB_ALLOWED_HOSTS (comma-separated extra host names). */
export function accessConfig(env: Record<string, string | undefined> = process.env): TAccessConfig {
  const bind = (env.HOST ?? '').trim().toLowerCase();
  const loopback = LOOPBACK_BINDS.has(bind);
  const allowedHosts = new Set(LOOPBACK_NAMES);
  for (const name of (env.TUNELAB_ALLOWED_HOSTS ?? '').split(',')) {
    if (name.trim()) allowedHosts.add(name.trim().toLowerCase());
  }
  if (!loopback) {
    allowedHosts.add(machineName().toLowerCase());
    if (bind !== '0.0.0.0' && bind !== '::') allowedHosts.add(bind.includes(':') ? `[${bind}]` : bind);
  }
  const token = env.TUNELAB_TOKEN?.trim() || undefined;
  return { loopback, token, allowedHosts };
}

/** Why the web app must not serve beyond loopback, or undefined when it may. */
export function startRefusal(env: Record<string, string | undefined> = process.env): string | undefined {
  const config = accessConfig(env);
  if (config.loopback || config.token) return undefined;
  return `HOST=${env.HOST} serves TuneLab beyond this machine, so it needs a sign-in token: ${TOKEN_HOW_TO}`;
}

const TOKEN_HOW_TO =
  'set TUNELAB_TOKEN to a long random secret (for example `export TUNELAB_TOKEN=$(openssl rand -hex 32)`), ' +
  'or unset HOST to stay on 127.0.0.1.';

/** The host name (lower case, IPv6 in brackets, no port) of a Host header; undefined if malformed. */
export function hostName(host: string | null | undefined): string | undefined {
  if (!host || host.length > 255) return undefined;
  try {
    const url = new URL(`http://${host}`);
    if (url.host !== host.toLowerCase() && url.host !== host.toLowerCase().replace(/:80$/, ''))
      return undefined;
    return url.hostname;
  } catch {
    return undefined;
  }
}

/** A Host naming this dashboard: a known name, or an IP address (DNS rebinding needs a name). */
export function hostAllowed(host: string | null | undefined, config: TAccessConfig): boolean {
  const name = hostName(host);
  if (!name) return false;
  if (config.allowedHosts.has(name)) return true;
  return isIP(name.replace(/^\[|\]$/g, '')) !== 0;
}

/** Header-only view of a request, so the rules are testable without a server. */
export interface TRequestFacts {
  method: string;
  pathname: string;
  host: string | null;
  origin: string | null;
  secFetchSite: string | null;
  authorization: string | null;
  sessionCookie: string | undefined;
}

export type TAccessDecision =
  | { allow: true; signedIn: boolean }
  | { allow: false; status: 400 | 401 | 403 | 503; message: string; signIn?: boolean };

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** Constant-time comparison of a presented token with TUNELAB_TOKEN (hashed to equal lengths). */
export function tokenMatches(presented: string, token: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(token));
}

/** Who a session cookie says signed in: a person's account, or `null` (signed in with the token). */
export interface TSession {
  user: { id: string; name: string } | null;
}

/**
 * The secret sessions are signed with: TUNELAB_TOKEN (a new token ends old sessions), else (loopback,
 * people signing in with their accounts) the installation's secret-key in the state folder.
 */
export function sessionSecret(config: TAccessConfig): string {
  return config.token ?? installationSecret();
}

function sessionKey(secret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'tunelab', 'session-cookie-v1', 32));
}

/** A signed session (JWT, HS256): `user` for a person's account, none for the token. */
export async function createSession(secret: string, user?: { id: string; name: string }): Promise<string> {
  return new SignJWT(user ? { name: user.name } : {})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user ? `user:${user.id}` : 'tunelab')
    .setIssuedAt()
    .setExpirationTime(`${SESSION_MAX_AGE_S}s`)
    .sign(sessionKey(secret));
}

/** The session a cookie carries, or null when it is absent, expired or not signed by `secret`. */
export async function readSession(cookie: string | undefined, secret: string): Promise<TSession | null> {
  if (!cookie) return null;
  try {
    const { payload } = await jwtVerify(cookie, sessionKey(secret), { algorithms: ['HS256'] });
    if (payload.sub?.startsWith('user:') && typeof payload.name === 'string') {
      return { user: { id: payload.sub.slice('user:'.length), name: payload.name } };
    }
    return payload.sub === 'tunelab' ? { user: null } : null;
  } catch {
    return null;
  }
}

export async function sessionValid(cookie: string | undefined, secret: string): Promise<boolean> {
  return (await readSession(cookie, secret)) !== null;
}

/** Paths served without sign-in beyond loopback: the sign-in page, its API and static assets. */
function publicPath(pathname: string): boolean {
  return (
    pathname === SIGN_IN_PATH ||
    pathname === SESSION_API_PATH ||
    pathname.startsWith('/_next/static/') ||
    pathname === '/favicon.ico' ||
    pathname === '/icon.svg'
  );
}

/** The mutation rule: a browser must say the change comes from this dashboard's own pages. */
function crossSiteRefusal(facts: TRequestFacts): string | undefined {
  if (SAFE_METHODS.has(facts.method)) return undefined;
  const site = facts.secFetchSite?.toLowerCase();
  if (site && site !== 'same-origin') {
    return `${facts.method} refused: it came from another site (Sec-Fetch-Site: ${site}); changes are accepted only from the dashboard's own pages`;
  }
  if (facts.origin !== null) {
    let originHost: string | undefined;
    try {
      originHost = facts.origin === 'null' ? undefined : new URL(facts.origin).host;
    } catch {
      originHost = undefined;
    }
    if (!originHost || originHost !== facts.host?.toLowerCase()) {
      return `${facts.method} refused: it came from origin ${facts.origin.slice(0, 200)}, not from this dashboard (${facts.host}); changes are accepted only from the dashboard's own pages`;
    }
  }
  // Neither header: not a browser (curl, scripts, the CLI). Browsers send Origin on every POST.
  return undefined;
}

/** Applies the access rules to one request. */
export async function decideAccess(facts: TRequestFacts, config: TAccessConfig): Promise<TAccessDecision> {
  if (!hostAllowed(facts.host, config)) {
    return {
      allow: false,
      status: 400,
      message: `unknown Host ${JSON.stringify((facts.host ?? '').slice(0, 200))}: this dashboard answers to ${[...config.allowedHosts].join(', ')} (set TUNELAB_ALLOWED_HOSTS to add names)`,
    };
  }
  const crossSite = crossSiteRefusal(facts);
  if (crossSite) return { allow: false, status: 403, message: crossSite };
  if (config.loopback) return { allow: true, signedIn: false };
  if (!config.token) {
    return { allow: false, status: 503, message: `TUNELAB_TOKEN is not set: ${TOKEN_HOW_TO}` };
  }
  const bearer = /^Bearer\s+(.+)$/i.exec(facts.authorization ?? '')?.[1]?.trim();
  if (bearer !== undefined) {
    if (tokenMatches(bearer, config.token)) return { allow: true, signedIn: true };
    return { allow: false, status: 401, message: 'the bearer token does not match TUNELAB_TOKEN' };
  }
  if (await sessionValid(facts.sessionCookie, config.token)) return { allow: true, signedIn: true };
  if (publicPath(facts.pathname)) return { allow: true, signedIn: false };
  return {
    allow: false,
    status: 401,
    message: `sign-in required: send Authorization: Bearer <TUNELAB_TOKEN>, or sign in at ${SIGN_IN_PATH}`,
    signIn: true,
  };
}
