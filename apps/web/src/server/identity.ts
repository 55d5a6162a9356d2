// Who is using the dashboard, for decisions that carry a name (reviews, hand-entered texts). Names
// come from the session cookie only (a person's account: `tunelab users add NAME`, signed in at
// /signin), never from a request's fields. On loopback with no accounts at all, everyone at this
// machine is one passwordless local user named after the OS user; once an account exists, naming
// yourself needs signing in, on loopback too.
import { userInfo } from 'node:os';
import { accountsExist, findUser, localUser, type TUser } from '@tunelab/db';
import { HttpError } from '../common/server/http.ts';
import { accessConfig, readSession, SIGN_IN_PATH, sessionSecret, type TAccessConfig } from './access.ts';

export type TIdentity =
  | { user: TUser; how: 'account' | 'local' }
  | { user: null; how: 'token' | 'none'; reason: string };

function osUserName(): string {
  try {
    return userInfo().username || 'local';
  } catch {
    return 'local';
  }
}

/** The person a request's session cookie names (or the local user); `reason` says why none. */
export async function identify(
  sessionCookie: string | undefined,
  config: TAccessConfig = accessConfig(),
): Promise<TIdentity> {
  const session = await readSession(sessionCookie, sessionSecret(config));
  if (session?.user) {
    // The account must still exist; its current name is the one recorded.
    const user = await findUser(session.user.id);
    if (user) return { user, how: 'account' };
  }
  if (config.loopback && !(await accountsExist())) {
    return { user: await localUser(osUserName()), how: 'local' };
  }
  if (session) {
    return {
      user: null,
      how: 'token',
      reason: `signed in with TUNELAB_TOKEN, which names nobody: sign in at ${SIGN_IN_PATH} with your own account to review`,
    };
  }
  return {
    user: null,
    how: 'none',
    reason: `sign in at ${SIGN_IN_PATH} with your account to review (accounts: tunelab users add NAME)`,
  };
}

/** The reviewer of a request: a 401 naming how to sign in when there is none. */
export async function requireUser(sessionCookie: string | undefined, config?: TAccessConfig): Promise<TUser> {
  const who = await identify(sessionCookie, config);
  if (!who.user) throw new HttpError(401, 'sign_in_required', who.reason);
  return who.user;
}
