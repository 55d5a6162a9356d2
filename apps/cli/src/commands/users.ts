import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';

/**
 * DATABASE_URL, else the one `npm start` keeps in the state folder (its embedded PostgreSQL's port
 * and password change per installation and start).
 */
function useDatabase(): void {
  if (process.env.DATABASE_URL) return;
  const stateDir = path.resolve(
    process.env.TUNELAB_STATE_DIR ?? path.join(import.meta.dirname, '../../../../.tunelab'),
  );
  const file = path.join(stateDir, 'database-url');
  if (!existsSync(file)) {
    throw new Error(
      'no database: set DATABASE_URL, or run this while `npm start` runs (it keeps the address in its state folder)',
    );
  }
  process.env.DATABASE_URL = readFileSync(file, 'utf8').trim();
}

/** A line typed without echo (a TTY), or the first line of stdin (a pipe: --password-stdin). */
async function readSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    let text = '';
    for await (const chunk of stdin) text += String(chunk);
    return text.split(/\r?\n/)[0] ?? '';
  }
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          stdin.off('data', onData);
          stdin.setRawMode(false);
          stdin.pause();
          process.stderr.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          reject(new Error('cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function newPassword(): Promise<string> {
  const password = await readSecret('password: ');
  if (process.stdin.isTTY && (await readSecret('again: ')) !== password) {
    throw new Error('the two passwords differ');
  }
  return password;
}

/** `tunelab users add NAME` / `passwd NAME` / `list`: the accounts reviewers sign in with. */
export function registerUsers(program: Command): void {
  const users = program
    .command('users')
    .description('accounts people sign in to the dashboard with (each review decision records its person)');
  users
    .command('add <name>')
    .description('add an account; the password is asked for (or read from stdin when piped)')
    .action(async (name: string) => {
      useDatabase();
      const db = await import('@tunelab/db');
      try {
        db.ZUserName.parse(name);
        const user = await db.addUser(name, await newPassword());
        process.stdout.write(
          user.created
            ? `added ${user.name}: sign in at /signin\n`
            : `${user.name} (who reviewed before accounts) can now sign in at /signin\n`,
        );
      } finally {
        await db.disconnectPrisma();
      }
    });
  users
    .command('passwd <name>')
    .description("set an account's password (asked for, or read from stdin when piped)")
    .action(async (name: string) => {
      useDatabase();
      const db = await import('@tunelab/db');
      try {
        const user = await db.setUserPassword(name, await newPassword());
        process.stdout.write(`new password set for ${user.name}\n`);
      } finally {
        await db.disconnectPrisma();
      }
    });
  users
    .command('list')
    .description('the accounts, whether each can sign in, and how many reviews each gave')
    .action(async () => {
      useDatabase();
      const db = await import('@tunelab/db');
      try {
        for (const u of await db.listUsers()) {
          process.stdout.write(
            `${u.name}\t${u.canSignIn ? 'can sign in' : 'no password'}\t${u.reviews} reviews\n`,
          );
        }
      } finally {
        await db.disconnectPrisma();
      }
    });
}
