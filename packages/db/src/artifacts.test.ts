import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArtifactStore } from './artifacts.ts';

const roots: string[] = [];
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

describe('ArtifactStore', () => {
  it('keeps relative paths in the database and resolves them under its root', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'tunelab-store-'));
    roots.push(root);
    const store = new ArtifactStore(root);
    expect(store.modelPath('m1')).toBe('models/m1');
    const absolute = await store.ensureDir(store.modelPath('m1'));
    expect(absolute).toBe(path.join(root, 'models/m1'));
    expect((await stat(absolute)).isDirectory()).toBe(true);
    await store.remove(store.modelPath('m1'));
    await expect(stat(absolute)).rejects.toThrow();
  });

  it('refuses paths that leave the store and ids that are not plain', () => {
    const store = new ArtifactStore('/srv/artifacts');
    expect(() => store.resolve('../etc/passwd')).toThrow(
      'Artifact path "../etc/passwd" is outside the artifact store /srv/artifacts',
    );
    expect(() => store.modelPath('../x')).toThrow('Invalid artifact id "../x"');
  });
});
