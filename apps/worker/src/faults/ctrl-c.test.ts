// Fault drill: Ctrl-C to `npm start` (SIGINT to its whole process group, as a terminal sends it) in
// the middle of a training run, everything real: `npm start`'s supervisor (scripts/start.ts), the
// embedded PostgreSQL and the redis-server it starts in a private state folder, and a real worker.
// TUNELAB_START_WEB=0 leaves out the web app and its `next build` (the order with a web app among
// the children is in scripts/lib/supervisor.test.ts). Web and worker stop first and the worker hands
// its run back (queued, checkpointed) while the database is up; then Redis, then PostgreSQL; neither
// service sees the terminal's SIGINT. The next `npm start` on the same state folder resumes the run
// from its checkpoint and it ends succeeded, each step stored once.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { decodeCheckpoint } from '@tunelab/core/train';
import { createPrismaClient, type PrismaClient } from '@tunelab/db';
import { DEFAULT_JOB_OPTIONS, jobIdFor, QUEUE_NAMES } from '@tunelab/jobs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { canStartPrivatePostgres } from '../../test/servers.ts';
import { seedTrainRun } from '../../test/train-run-seed.ts';

const ROOT = path.resolve(import.meta.dirname, '../../../..');
const T0 = Date.now();
const PREFIX = 'tunelab-ctrl-c-drill';

interface TStack {
  child: ChildProcess;
  /** Every line `npm start` and its children printed, in order. */
  lines: string[];
  closed: Promise<{ code: number | null; signal: string | null }>;
}

let state: string | undefined;
const stacks: TStack[] = [];

function startStack(dir: string): TStack {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TUNELAB_STATE_DIR: dir,
    TUNELAB_START_WEB: '0',
    TUNELAB_REDIS_PREFIX: PREFIX,
    TUNELAB_THREADS: '1',
    TUNELAB_HEARTBEAT_MS: '500',
  };
  // Nothing shared: npm start runs its own PostgreSQL and Redis, artifacts under the state folder.
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'TUNELAB_ARTIFACTS_DIR']) delete env[key];
  // Its own process group, like a terminal's foreground job.
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (stream)
      createInterface({ input: stream }).on('line', (line) =>
        lines.push(`${((Date.now() - T0) / 1000).toFixed(1)} ${line}`),
      );
  }
  // 'close': every process holding its output (start.ts, the worker) is gone.
  const closed = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const stack = { child, lines, closed };
  stacks.push(stack);
  return stack;
}

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, ms = 90_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && ok(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The first line matching `pattern` (waits for it), with the stack's output in the error. */
async function line(stack: TStack, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  try {
    return await until(
      what,
      async () => stack.lines.map((l) => pattern.exec(l)).find((m) => m !== null) ?? null,
      (m) => m !== null,
    ).then((m) => m as RegExpExecArray);
  } catch (error) {
    throw new Error(`${(error as Error).message}; npm start printed:\n${stack.lines.join('\n')}`);
  }
}

/** Waits for the stack's worker; returns clients of its database and Redis. */
async function connect(stack: TStack, dir: string): Promise<{ prisma: PrismaClient; redisUrl: string }> {
  const pgPort = (await line(stack, /embedded PostgreSQL on 127\.0\.0\.1:(\d+)/, 'embedded PostgreSQL'))[1];
  const redisPort = (await line(stack, /started redis-server on 127\.0\.0\.1:(\d+)/, 'redis-server'))[1];
  await line(stack, /\[worker\] .* ready/, 'the worker');
  const password = (await readFile(path.join(dir, 'postgres-password'), 'utf8')).trim();
  return {
    prisma: createPrismaClient(`postgresql://postgres:${password}@127.0.0.1:${pgPort}/tunelab`),
    redisUrl: `redis://127.0.0.1:${redisPort}`,
  };
}

/** Ctrl-C: SIGINT to the whole group; resolves once everything that printed is gone. */
async function ctrlC(stack: TStack) {
  process.kill(-(stack.child.pid as number), 'SIGINT');
  return stack.closed;
}

afterAll(async () => {
  for (const stack of stacks) {
    if (stack.child.exitCode !== null || stack.child.signalCode !== null) continue;
    // A failed drill: let npm start stop its services, then make sure.
    process.kill(-(stack.child.pid as number), 'SIGTERM');
    await Promise.race([stack.closed, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    try {
      process.kill(-(stack.child.pid as number), 'SIGKILL');
    } catch {
      // gone
    }
  }
  if (state) await rm(state, { recursive: true, force: true });
}, 60_000);

describe.skipIf(!canStartPrivatePostgres())('Ctrl-C to npm start in the middle of a run', () => {
  it('stops the worker first (the run handed back), then Redis and PostgreSQL; the next start resumes it', async () => {
    state = await mkdtemp(path.join(tmpdir(), 'tunelab-ctrl-c-'));
    await chmod(state, 0o755); // as root, embedded PostgreSQL runs as `postgres`, which must enter it
    const artifacts = path.join(state, 'artifacts'); // npm start's default under its state folder

    const first = startStack(state);
    const db = await connect(first, state);
    // 40 steps (160 train rows, batch 4): longer than the drill needs to interrupt it.
    const run = await seedTrainRun(
      db.prisma,
      artifacts,
      { epochs: 1, batchSize: 4, maxLength: 12, lr: 1e-3, evalFraction: 0.05 },
      168,
    );
    const producer = new Redis(db.redisUrl, { maxRetriesPerRequest: 1 });
    const compute = new Queue(QUEUE_NAMES.compute, { connection: producer, prefix: PREFIX });
    // As the web app queues it: the run's own job id, recorded on the run.
    const jobId = jobIdFor('run.train', { runId: run.id });
    await db.prisma.run.update({ where: { id: run.id }, data: { queueJobId: jobId } });
    await compute.add('run.train', { runId: run.id }, { ...DEFAULT_JOB_OPTIONS, jobId });
    await compute.close();
    await producer.quit();
    // Let it train a few steps (the reporter flushes loss points every 1.5 s).
    await until(
      'the first training steps',
      () => db.prisma.metric.count({ where: { runId: run.id, name: 'loss' } }),
      (n) => n >= 2,
    );
    await db.prisma.$disconnect();

    const signalledAt = Date.now();
    const stopped = await ctrlC(first);
    const stopSeconds = (Date.now() - signalledAt) / 1000;
    // npm itself ends on the terminal's SIGINT; 'closed' waited for start.ts and the worker.
    expect(stopped.code === 0 || stopped.signal === 'SIGINT').toBe(true);
    const out = first.lines;
    const at = (pattern: RegExp) => out.findIndex((l) => pattern.test(l));
    // The worker got start.ts's SIGTERM (its own group: the terminal's SIGINT never reached it),
    // handed its job back and stopped; only then Redis, then PostgreSQL.
    expect(at(/\[worker\] SIGINT/)).toBe(-1);
    const order = [
      /\[tunelab\] stopping/,
      /\[worker\] SIGTERM: finishing active jobs/,
      /\[worker\] .* stopped$/,
      /\[tunelab\] stopped worker$/,
      /\[tunelab\] stopped Redis$/,
      /\[tunelab\] stopped PostgreSQL$/,
    ].map(at);
    expect(
      order.every((i) => i >= 0),
      out.join('\n'),
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    // PostgreSQL shut down cleanly (a crashed or killed server leaves its pid file behind).
    await expect(stat(path.join(state, 'postgres', 'postmaster.pid'))).rejects.toThrow();
    const bytes = await readFile(path.join(artifacts, 'runs', run.id, 'checkpoint.bin'));
    const checkpoint = decodeCheckpoint(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    expect(checkpoint.step).toBeGreaterThanOrEqual(2);
    expect(checkpoint.step).toBeLessThan(40);

    // The next start: the run was recorded as handed back, and resumes from that checkpoint.
    const second = startStack(state);
    const again = await connect(second, state);
    const handedBack = await again.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(['queued', 'running', 'succeeded']).toContain(handedBack.status);
    const done = await until(
      'the resumed run to finish',
      () => again.prisma.run.findUniqueOrThrow({ where: { id: run.id } }),
      (r) => r.status !== 'queued' && r.status !== 'running',
    );
    expect(done).toMatchObject({ status: 'succeeded', attempts: 1, error: null });
    // Redis kept the handed-back job (append-only file): nothing had to be queued again.
    expect(second.lines.filter((l) => /queued again [1-9]/.test(l))).toEqual([]);
    const logs = (await again.prisma.runLog.findMany({ where: { runId: run.id } })).map((l) => l.message);
    expect(logs.some((m) => /released by .* \(shutting down\)/.test(m))).toBe(true);
    expect(logs).toContain(
      `Resuming from the checkpoint at step ${checkpoint.step} (epoch ${checkpoint.epoch + 1}, batch ${(checkpoint.inEpoch?.batches ?? 0) + 1})`,
    );
    const total = (done.summary as { steps: number }).steps;
    expect(total).toBe(40);
    const steps = (
      await again.prisma.metric.findMany({ where: { runId: run.id, name: 'loss' }, orderBy: { step: 'asc' } })
    ).map((m) => m.step);
    expect(steps).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    await again.prisma.$disconnect();
    await ctrlC(second);
    expect(second.lines.some((l) => /\[tunelab\] stopped PostgreSQL$/.test(l))).toBe(true);
    console.info(
      `[drill] Ctrl-C at step ${checkpoint.step}: npm start stopped in ${stopSeconds.toFixed(1)} s (worker, Redis, PostgreSQL in order); the next start resumed and finished the run`,
    );
  }, 240_000);
});
