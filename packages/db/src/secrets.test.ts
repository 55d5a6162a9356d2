// Sealing secrets at rest (AES-256-GCM): round trip, nothing of the secret in the sealed text, the
// installation's key file made once (0600), tampering and foreign keys refused naming the owner.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { installationSecret, openSecret, sealSecret, secretKeys } from './secrets.ts';

const state = await mkdtemp(path.join(tmpdir(), 'tunelab-secrets-'));
afterAll(() => rm(state, { recursive: true, force: true }));
const env = (extra: Record<string, string> = {}) =>
  ({ TUNELAB_STATE_DIR: state, ...extra }) as NodeJS.ProcessEnv;
const SECRET = 'sk-live-0123456789abcdefSECRET';

describe('secrets at rest', () => {
  it('makes the installation key once, readable by its owner only, and seals with it', async () => {
    const first = installationSecret(state);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(installationSecret(state)).toBe(first);
    expect((await stat(path.join(state, 'secret-key'))).mode & 0o777).toBe(0o600);
    const keys = secretKeys(env());
    const sealed = sealSecret(SECRET, keys);
    expect(sealed).toMatch(new RegExp(`^tlk1\\.${keys.current.id}\\.`));
    expect(sealed).not.toContain(SECRET.slice(0, 8));
    expect(sealSecret(SECRET, keys)).not.toBe(sealed); // a fresh IV each time
    expect(openSecret(sealed, 'connection "a"', keys)).toBe(SECRET);
  });

  it('refuses tampered values, foreign keys and plain text, naming the owner and never the secret', () => {
    const keys = secretKeys(env());
    const sealed = sealSecret(SECRET, keys);
    const parts = sealed.split('.');
    const data = Buffer.from(parts[4] as string, 'base64url');
    data[0] = (data[0] as number) ^ 1;
    const tampered = [...parts.slice(0, 4), data.toString('base64url')].join('.');
    expect(() => openSecret(tampered, 'connection "a"', keys)).toThrow(/connection "a": .*cannot be opened/);
    const other = secretKeys(env({ TUNELAB_SECRET_KEY: 'another-secret-key-of-32-characters!!' }));
    for (const attempt of [
      () => openSecret(sealed, 'connection "a"', other),
      () => openSecret(SECRET, 'connection "a"', keys),
    ]) {
      expect(attempt).toThrow(/^connection "a": /);
      try {
        attempt();
      } catch (error) {
        expect((error as Error).message).not.toContain(SECRET);
        expect((error as Error).message).not.toContain('another-secret-key');
      }
    }
    // Rotation: the old key, listed as previous, still opens.
    const rotated = secretKeys(
      env({
        TUNELAB_SECRET_KEY: 'another-secret-key-of-32-characters!!',
        TUNELAB_SECRET_KEYS_PREVIOUS: installationSecret(state),
      }),
    );
    expect(openSecret(sealed, 'connection "a"', rotated)).toBe(SECRET);
    expect(() => secretKeys(env({ TUNELAB_SECRET_KEY: 'short' }))).toThrow(
      /TUNELAB_SECRET_KEY: use at least 32/,
    );
  });
});
