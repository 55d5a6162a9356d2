// `tunelab users` against real PostgreSQL: the password comes from stdin (a pipe), is stored as an
// argon2id hash (never in plain text) and signs in; names already taken are refused.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createTestDatabase, type TTestDatabase } from '@tunelab/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '../../bin/tunelab.mjs');
let db: TTestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('cli_users');
  process.env.DATABASE_URL = db.databaseUrl;
});
afterAll(async () => {
  const { disconnectPrisma } = await import('@tunelab/db');
  await disconnectPrisma();
  await db?.drop();
});

function cli(
  args: string[],
  stdin: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('node', [CLI, ...args], {
      env: { ...process.env, DATABASE_URL: db.databaseUrl },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('tunelab users', () => {
  it('adds an account whose password signs in and is stored hashed', async () => {
    const added = await cli(['users', 'add', 'carol'], 'carol-password-9\n');
    expect(added).toMatchObject({ code: 0, stdout: 'added carol: sign in at /signin\n' });
    const { prisma, checkPassword } = await import('@tunelab/db');
    const row = await prisma.user.findUniqueOrThrow({ where: { name: 'carol' } });
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
    expect(row.passwordHash).not.toContain('carol-password-9');
    expect(await checkPassword('carol', 'carol-password-9')).toMatchObject({ name: 'carol' });
    expect(await checkPassword('carol', 'carol-password-8')).toBeNull();

    const again = await cli(['users', 'add', 'carol'], 'another-password\n');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('user "carol" exists already');
    const short = await cli(['users', 'add', 'dan'], 'short\n');
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('at least 10 characters');
    const listed = await cli(['users', 'list'], '');
    expect(listed.stdout).toBe('carol\tcan sign in\t0 reviews\n');
  });
});
