// Secrets at rest: Connection API keys are sealed with AES-256-GCM (node:crypto) before they reach
// the database and opened only where an endpoint is called (the worker's generation run, the
// dashboard's "test connection"). The key comes from TUNELAB_SECRET_KEY, else from `secret-key` in
// the state folder, generated once per installation (0600, like the embedded PostgreSQL password).
// A sealed value names its key by id ("tlk1.<key id>.<iv>.<tag>.<data>", base64url), so a rotated
// key can still open old values (TUNELAB_SECRET_KEYS_PREVIOUS) while sealStoredKeys() re-seals them.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '@tunelab/core/errors';
import { readEnv } from './env.ts';

const PREFIX = 'tlk1';
const AAD = Buffer.from('tunelab connection api key v1');

interface TSecretKey {
  id: string;
  key: Buffer;
}

export interface TSecretKeys {
  current: TSecretKey;
  /** Every key that may open a value, by id (the current one included). */
  byId: Map<string, TSecretKey>;
  /** Where the current key came from, in words (never the key). */
  source: string;
}

/** A key from a secret of any length (a hex string, a passphrase): HKDF-SHA256 to 32 bytes. */
function deriveKey(secret: string): TSecretKey {
  const key = Buffer.from(hkdfSync('sha256', secret.trim(), 'tunelab', 'secret-key-v1', 32));
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 8), key };
}

/** The installation's own secret: read from the state folder, or made there on first use. */
export function installationSecret(stateDir: string = readEnv().TUNELAB_STATE_DIR): string {
  const file = path.join(stateDir, 'secret-key');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(stateDir, { recursive: true });
  try {
    // 'wx': when the web app and a worker start together, the first one writes and both read it.
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}

/** The keys this process seals and opens with (read from the environment on each call; cheap). */
export function secretKeys(source: NodeJS.ProcessEnv = process.env): TSecretKeys {
  const env = readEnv(source);
  const fromEnv = env.TUNELAB_SECRET_KEY;
  const current = deriveKey(fromEnv ?? installationSecret(env.TUNELAB_STATE_DIR));
  const byId = new Map([[current.id, current]]);
  for (const old of (env.TUNELAB_SECRET_KEYS_PREVIOUS ?? '').split(',')) {
    if (old.trim()) {
      const key = deriveKey(old);
      if (!byId.has(key.id)) byId.set(key.id, key);
    }
  }
  return {
    current,
    byId,
    source: fromEnv ? 'TUNELAB_SECRET_KEY' : "the state folder's secret-key",
  };
}

export function isSealed(value: string): boolean {
  return value.startsWith(`${PREFIX}.`);
}

/** Seals a secret with the current key. */
export function sealSecret(plain: string, keys: TSecretKeys = secretKeys()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keys.current.key, iv);
  cipher.setAAD(AAD);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'));
  return [PREFIX, keys.current.id, ...parts].join('.');
}

/** The id of the key a sealed value names, or undefined when it is not sealed. */
export function sealedKeyId(value: string): string | undefined {
  return isSealed(value) ? value.split('.')[1] : undefined;
}

/**
 * Opens a sealed secret. `what` names its owner for the error ("connection \"local\""); an error
 * never carries the value or the key.
 */
export function openSecret(sealed: string, what: string, keys: TSecretKeys = secretKeys()): string {
  if (!isSealed(sealed)) {
    throw new InputError(
      `${what}: its API key is stored unencrypted (from before keys were sealed); restart TuneLab ` +
        '(npm start or the worker seals stored keys at start) or save the key again',
    );
  }
  const [, keyId, iv, tag, data] = sealed.split('.');
  const key = keyId ? keys.byId.get(keyId) : undefined;
  if (!key || iv === undefined || tag === undefined || data === undefined) {
    throw new InputError(
      `${what}: its API key was sealed with another secret key (id ${keyId}) than this installation's ` +
        `(${keys.source}, id ${keys.current.id}); set TUNELAB_SECRET_KEY to the one it was saved with ` +
        '(or list it in TUNELAB_SECRET_KEYS_PREVIOUS), or save the key again',
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(AAD);
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]);
    return plain.toString('utf8');
  } catch {
    throw new InputError(
      `${what}: its stored API key cannot be opened with secret key ${keyId} (damaged); save the key again`,
    );
  }
}

/** A Connection's key, opened at call time: null when it has none. */
export function openConnectionKey(
  connection: { name: string; apiKeySealed: string | null },
  keys?: TSecretKeys,
): string | null {
  if (!connection.apiKeySealed) return null;
  return openSecret(connection.apiKeySealed, `connection "${connection.name}"`, keys);
}
