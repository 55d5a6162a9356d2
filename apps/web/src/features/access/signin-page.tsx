import { cookies } from 'next/headers';
import { accessConfig, SESSION_COOKIE } from '../../server/access.ts';
import { identify } from '../../server/identity.ts';
import { localPath } from './session-route.ts';

/**
 * The sign-in page: a person's account (name, password) names them on every review; beyond
 * loopback the TUNELAB_TOKEN also lets one in (naming nobody). Both go to POST /api/session,
 * which sets the HttpOnly, SameSite cookie.
 */
export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const next = localPath(params.next);
  const config = accessConfig();
  const who = await identify((await cookies()).get(SESSION_COOKIE)?.value, config);
  return (
    <section className="card" style={{ maxWidth: 460 }}>
      <h1>Sign in</h1>
      <p data-testid="signin-who">
        {who.user
          ? who.how === 'local'
            ? `You are the local user "${who.user.name}" (this machine has no accounts yet; add them with \`tunelab users add NAME\`).`
            : `Signed in as ${who.user.name}.`
          : who.how === 'token'
            ? 'Signed in with the token: sign in with your account to review.'
            : config.loopback
              ? 'This machine has accounts: sign in with yours to review.'
              : 'This dashboard is served beyond this machine: sign in to use it.'}
      </p>
      {params.failed ? (
        <p role="alert" data-testid="signin-error">
          {params.failed === 'token'
            ? 'That token does not match TUNELAB_TOKEN.'
            : 'Unknown name or wrong password.'}
        </p>
      ) : null}
      <form method="post" action="/api/session" className="form-grid">
        <input type="hidden" name="next" value={next} />
        <label>
          Name <input name="name" autoComplete="username" required data-testid="signin-name" />
        </label>
        <label>
          Password{' '}
          <input
            type="password"
            name="password"
            autoComplete="current-password"
            required
            data-testid="signin-password"
          />
        </label>
        <button type="submit" className="primary" data-testid="signin-account-submit">
          Sign in
        </button>
      </form>
      {config.token ? (
        <form method="post" action="/api/session" style={{ marginTop: 16 }}>
          <input type="hidden" name="next" value={next} />
          <label>
            Or the token it was started with (TUNELAB_TOKEN){' '}
            <input type="password" name="token" autoComplete="off" required data-testid="signin-token" />
          </label>{' '}
          <button type="submit" data-testid="signin-submit">
            Sign in with the token
          </button>
        </form>
      ) : null}
      {who.how === 'account' || who.how === 'token' ? (
        <form method="post" action="/api/session" style={{ marginTop: 16 }}>
          <input type="hidden" name="signout" value="1" />
          <button type="submit" data-testid="signout">
            Sign out
          </button>
        </form>
      ) : null}
    </section>
  );
}
