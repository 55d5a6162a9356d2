import { localPath } from './session-route.ts';

/** The sign-in form beyond loopback: the token goes to POST /api/session, which sets the cookie. */
export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const next = localPath(params.next);
  return (
    <section className="card" style={{ maxWidth: 420 }}>
      <h1>Sign in</h1>
      <p>
        This dashboard is served beyond this machine. Enter the token it was started with (TUNELAB_TOKEN).
      </p>
      {params.failed ? (
        <p role="alert" data-testid="signin-error">
          That token does not match TUNELAB_TOKEN.
        </p>
      ) : null}
      <form method="post" action="/api/session">
        <input type="hidden" name="next" value={next} />
        <label>
          Token{' '}
          <input
            type="password"
            name="token"
            autoComplete="current-password"
            required
            data-testid="signin-token"
          />
        </label>{' '}
        <button type="submit" data-testid="signin-submit">
          Sign in
        </button>
      </form>
    </section>
  );
}
