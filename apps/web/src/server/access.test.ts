import { describe, expect, it } from 'vitest';
import {
  accessConfig,
  createSession,
  decideAccess,
  hostAllowed,
  startRefusal,
  type TRequestFacts,
  tokenMatches,
} from './access.ts';

const loopback = accessConfig({});
const remote = accessConfig({ HOST: '0.0.0.0', TUNELAB_TOKEN: 'secret-token' });

function facts(over: Partial<TRequestFacts> = {}): TRequestFacts {
  return {
    method: 'GET',
    pathname: '/runs',
    host: '127.0.0.1:3000',
    origin: null,
    secFetchSite: null,
    authorization: null,
    sessionCookie: undefined,
    ...over,
  };
}

describe('Host header', () => {
  it('accepts loopback names and IP addresses, refuses other names (DNS rebinding)', () => {
    for (const host of ['127.0.0.1:3000', 'localhost:3000', '[::1]:3000', 'LOCALHOST', '10.0.0.5:3000'])
      expect(hostAllowed(host, loopback), host).toBe(true);
    for (const host of [
      'evil.example:3000',
      'evil.example',
      '',
      null,
      'a@127.0.0.1',
      '127.0.0.1 x',
      'x'.repeat(300),
    ])
      expect(hostAllowed(host, loopback), String(host)).toBe(false);
  });

  it('adds TUNELAB_ALLOWED_HOSTS', () => {
    expect(
      hostAllowed('lab.example:3000', accessConfig({ TUNELAB_ALLOWED_HOSTS: 'lab.example, other' })),
    ).toBe(true);
  });

  it('refuses a foreign Host with 400 naming it', async () => {
    const decision = await decideAccess(facts({ host: 'rebind.evil.example:3000' }), loopback);
    expect(decision).toMatchObject({ allow: false, status: 400 });
    expect(!decision.allow && decision.message).toContain('rebind.evil.example');
  });
});

describe('changes only from the dashboard itself', () => {
  it('refuses a cross-origin POST on loopback', async () => {
    const decision = await decideAccess(
      facts({ method: 'POST', pathname: '/api/runs', origin: 'http://evil.example' }),
      loopback,
    );
    expect(decision).toMatchObject({ allow: false, status: 403 });
    expect(!decision.allow && decision.message).toContain('http://evil.example');
  });

  it('refuses Sec-Fetch-Site cross-site and same-site, and Origin null', async () => {
    for (const over of [
      { secFetchSite: 'cross-site', origin: 'http://127.0.0.1:3000' },
      { secFetchSite: 'same-site' },
      { origin: 'null' },
      { origin: 'not a url' },
      { origin: 'http://127.0.0.1:3001' },
    ]) {
      const decision = await decideAccess(facts({ method: 'POST', ...over }), loopback);
      expect(decision, JSON.stringify(over)).toMatchObject({ allow: false, status: 403 });
    }
  });

  it('allows same-origin browser changes, non-browser clients and cross-site reads', async () => {
    for (const over of [
      { method: 'POST', origin: 'http://127.0.0.1:3000', secFetchSite: 'same-origin' },
      { method: 'DELETE' },
      { method: 'GET', origin: 'http://evil.example', secFetchSite: 'cross-site' },
    ]) {
      expect(await decideAccess(facts(over), loopback), JSON.stringify(over)).toMatchObject({ allow: true });
    }
  });
});

describe('beyond loopback', () => {
  it('refuses to start without a token, saying how to set one', () => {
    expect(startRefusal({})).toBeUndefined();
    expect(startRefusal({ HOST: '::1' })).toBeUndefined();
    expect(startRefusal({ HOST: '0.0.0.0', TUNELAB_TOKEN: 'x' })).toBeUndefined();
    expect(startRefusal({ HOST: '0.0.0.0' })).toMatch(/TUNELAB_TOKEN=/);
  });

  it('asks for sign-in, except on the sign-in page', async () => {
    expect(await decideAccess(facts(), remote)).toMatchObject({ allow: false, status: 401, signIn: true });
    expect(await decideAccess(facts({ pathname: '/api/workers' }), remote)).toMatchObject({ status: 401 });
    expect(await decideAccess(facts({ pathname: '/signin' }), remote)).toMatchObject({ allow: true });
  });

  it('accepts the bearer token and a session cookie, refuses wrong ones', async () => {
    expect(await decideAccess(facts({ authorization: 'Bearer secret-token' }), remote)).toEqual({
      allow: true,
      signedIn: true,
    });
    expect(await decideAccess(facts({ authorization: 'Bearer wrong' }), remote)).toMatchObject({
      status: 401,
    });
    const session = await createSession('secret-token');
    expect(await decideAccess(facts({ sessionCookie: session }), remote)).toMatchObject({ signedIn: true });
    const otherTokens = await createSession('another-token');
    expect(await decideAccess(facts({ sessionCookie: otherTokens }), remote)).toMatchObject({ status: 401 });
    expect(await decideAccess(facts({ sessionCookie: `${session}x` }), remote)).toMatchObject({
      status: 401,
    });
  });

  it("carries a person's account in the session, and only when signed by the same secret", async () => {
    const { readSession } = await import('./access.ts');
    const ana = { id: 'u1', name: 'ana' };
    const session = await createSession('secret-token', ana);
    expect(await readSession(session, 'secret-token')).toEqual({ user: ana });
    expect(await readSession(await createSession('secret-token'), 'secret-token')).toEqual({ user: null });
    expect(await readSession(session, 'another-token')).toBeNull();
    expect(await decideAccess(facts({ sessionCookie: session }), remote)).toMatchObject({ signedIn: true });
  });

  it('still refuses cross-origin changes when signed in', async () => {
    const session = await createSession('secret-token');
    const decision = await decideAccess(
      facts({ method: 'POST', sessionCookie: session, origin: 'http://evil.example' }),
      remote,
    );
    expect(decision).toMatchObject({ allow: false, status: 403 });
  });

  it('compares tokens of any length', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abcd', 'abc')).toBe(false);
    expect(tokenMatches('', 'abc')).toBe(false);
  });
});
