import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { unreachableFolder } from './services.ts';

describe('unreachableFolder (why embedded PostgreSQL, run as its own user, cannot start)', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('names the first folder another user cannot enter, and nothing when all can be entered', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tunelab-reach-'));
    const locked = path.join(dir, 'home');
    await mkdir(path.join(locked, 'clone'), { recursive: true });
    await chmod(dir, 0o755);
    await chmod(locked, 0o700);
    const target = path.join(locked, 'clone', '.tunelab', 'postgres', 'PG_VERSION');
    const stranger = { uid: 54_321, gid: 54_321 };
    expect(unreachableFolder(target, stranger.uid, stranger.gid)).toBe(locked);
    await chmod(locked, 0o701);
    expect(unreachableFolder(target, stranger.uid, stranger.gid)).toBeUndefined();
  });
});
