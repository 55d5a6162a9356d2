// `npm start`'s Supervisor and shutdown order with small stand-in children (drills/start-drill.ts):
// kill -9 of the worker (restarted, the rest keeps running) and Ctrl-C to the whole process group
// with a web app among the children (web and worker stop first, then the service, which never sees
// SIGINT). The same Ctrl-C against the real thing (start.ts, its embedded PostgreSQL and Redis, a
// real worker mid-run, then a second start that resumes the run) is apps/worker/src/faults/ctrl-c.test.ts.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const DRILL = path.join(path.dirname(fileURLToPath(import.meta.url)), 'drills/start-drill.ts');

async function lines(file: string): Promise<string[]> {
  return (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);
}

async function until(file: string, what: (all: string[]) => boolean, label: string): Promise<string[]> {
  for (let i = 0; i < 600; i++) {
    const all = await lines(file);
    if (what(all)) return all;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${label}; events:\n${(await lines(file)).join('\n')}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const pidOf = (all: string[], name: string) =>
  all.filter((l) => l.startsWith(`${name}-started `)).map((l) => Number(l.split(' ')[1]));

describe('npm start process handling', { timeout: 60_000 }, () => {
  let driver: ChildProcess | undefined;
  let dir: string | undefined;

  afterEach(async () => {
    const events = dir ? await lines(path.join(dir, 'events')) : [];
    // the driver's group, and the service in its own group
    for (const pid of [-(driver?.pid ?? 0), ...pidOf(events, 'service')]) {
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function startDrill(): Promise<string> {
    dir = await mkdtemp(path.join(tmpdir(), 'tunelab-start-drill-'));
    const events = path.join(dir, 'events');
    // Its own process group, like a terminal's foreground job.
    driver = spawn(process.execPath, ['--import', 'tsx', DRILL, events], { detached: true, stdio: 'ignore' });
    await until(
      events,
      (all) =>
        all.includes('driver-ready') && ['web', 'worker', 'service'].every((n) => pidOf(all, n).length === 1),
      'the drill to start',
    );
    return events;
  }

  it('restarts a worker killed with SIGKILL and leaves the rest running', async () => {
    const events = await startDrill();
    const before = await lines(events);
    const [worker] = pidOf(before, 'worker');
    const [web] = pidOf(before, 'web');
    const [service] = pidOf(before, 'service');
    process.kill(worker as number, 'SIGKILL');
    const after = await until(events, (all) => pidOf(all, 'worker').length === 2, 'the worker to restart');
    const restarted = pidOf(after, 'worker')[1] as number;
    expect(restarted).not.toBe(worker);
    expect(alive(restarted)).toBe(true);
    expect(alive(web as number)).toBe(true);
    expect(alive(service as number)).toBe(true);
    expect(after.some((l) => l.startsWith('log worker exited (SIGKILL); restarting'))).toBe(true);
    expect(after).not.toContain('gave-up');
  });

  it('on Ctrl-C to the group, stops web and worker first, then the service', async () => {
    const events = await startDrill();
    process.kill(-(driver?.pid as number), 'SIGINT');
    const all = await until(events, (l) => l.includes('service-stopped'), 'the shutdown to finish');
    const at = (line: string) => all.indexOf(line);
    expect(at('driver-got-SIGINT')).toBeGreaterThanOrEqual(0);
    expect(at('worker-recorded-state')).toBeGreaterThan(at('driver-got-SIGINT'));
    expect(at('service-got-SIGTERM')).toBeGreaterThan(at('worker-recorded-state'));
    expect(at('service-stopped')).toBeGreaterThan(at('service-got-SIGTERM'));
    // the service runs in its own group: the terminal's SIGINT never reached it
    expect(all).not.toContain('service-got-SIGINT');
  });
});
