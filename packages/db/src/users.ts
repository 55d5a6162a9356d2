// People who sign in (each review decision has a name). Passwords are hashed with argon2id
// (@node-rs/argon2, its defaults); accounts are made with `tunelab users add NAME`.
import { hash, verify } from '@node-rs/argon2';
import { z } from 'zod';
import { getPrisma } from './client.ts';

/** Reserved: the agreement tables call the target score "target". */
const RESERVED = new Set(['target']);

export const ZUserName = z
  .string()
  .trim()
  .min(1, 'the name is empty')
  .max(80, 'the name is longer than 80 characters')
  .regex(
    /^[^\s,;:"'<>]+(?: [^\s,;:"'<>]+)*$/,
    'use letters, digits, dots or dashes (single spaces between words)',
  )
  .refine((n) => !RESERVED.has(n.toLowerCase()), '"target" is a reserved name (the agreement tables use it)');

export const ZPassword = z
  .string()
  .min(10, 'the password needs at least 10 characters')
  .max(1_000, 'the password is longer than 1000 characters');

export interface TUser {
  id: string;
  name: string;
}

/** Creates an account, or gives a passwordless one (legacy reviewer name, local user) its password. */
export async function addUser(nameInput: string, password: string): Promise<TUser & { created: boolean }> {
  const name = ZUserName.parse(nameInput);
  const passwordHash = await hash(ZPassword.parse(password));
  const prisma = getPrisma();
  const existing = await prisma.user.findUnique({ where: { name } });
  if (existing?.passwordHash) throw new Error(`user "${name}" exists already (use \`tunelab users passwd\`)`);
  if (existing) {
    await prisma.user.update({ where: { id: existing.id }, data: { passwordHash } });
    return { id: existing.id, name, created: false };
  }
  const user = await prisma.user.create({ data: { name, passwordHash } });
  return { id: user.id, name, created: true };
}

export async function setUserPassword(nameInput: string, password: string): Promise<TUser> {
  const name = ZUserName.parse(nameInput);
  const passwordHash = await hash(ZPassword.parse(password));
  const user = await getPrisma().user.findUnique({ where: { name } });
  if (!user) throw new Error(`no user "${name}" (add one with \`tunelab users add ${name}\`)`);
  await getPrisma().user.update({ where: { id: user.id }, data: { passwordHash } });
  return { id: user.id, name };
}

export async function listUsers(): Promise<(TUser & { canSignIn: boolean; reviews: number })[]> {
  const rows = await getPrisma().user.findMany({
    orderBy: { name: 'asc' },
    select: { id: true, name: true, passwordHash: true, _count: { select: { reviews: true } } },
  });
  return rows.map((u) => ({
    id: u.id,
    name: u.name,
    canSignIn: !!u.passwordHash,
    reviews: u._count.reviews,
  }));
}

// A well-formed hash of a random password: names without an account cost the same time as wrong passwords.
let dummyHash: Promise<string> | undefined;

/** The user whose name and password these are, or null (unknown name, no password, wrong password). */
export async function checkPassword(name: string, password: string): Promise<TUser | null> {
  const user =
    typeof name === 'string' && name.length <= 80
      ? await getPrisma().user.findUnique({ where: { name: name.trim() } })
      : null;
  dummyHash ??= hash(`no such user ${Math.random()}`);
  const stored = user?.passwordHash ?? (await dummyHash);
  const ok = typeof password === 'string' && password.length <= 1_000 && (await verify(stored, password));
  return ok && user?.passwordHash ? { id: user.id, name: user.name } : null;
}

export async function findUser(id: string): Promise<TUser | null> {
  return getPrisma().user.findUnique({ where: { id }, select: { id: true, name: true } });
}

/** Whether any account can sign in with a password (then nobody reviews without signing in). */
export async function accountsExist(): Promise<boolean> {
  return (await getPrisma().user.count({ where: { passwordHash: { not: null } } })) > 0;
}

/** The passwordless local user of a loopback dashboard without accounts, made on first use. */
export async function localUser(nameInput: string): Promise<TUser> {
  const name = ZUserName.catch('local').parse(nameInput);
  return getPrisma().user.upsert({
    where: { name },
    create: { name },
    update: {},
    select: { id: true, name: true },
  });
}
