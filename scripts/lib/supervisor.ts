// Keeps `npm start`'s long-running children up: each in its own process group, restarted with
// backoff when it dies (a crashed worker does not stop the web app or the services), and stopped
// in order on shutdown.
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { startGroup, stopGroup } from './processes.ts';

export interface TChildSpec {
  name: string;
  command: string;
  args: string[];
  options?: SpawnOptions;
}

export interface TSupervisorOptions {
  log: (line: string) => void;
  /** Restarts allowed within `windowMs` before the supervisor gives up (calls onGiveUp). */
  maxRestarts?: number;
  windowMs?: number;
  /** First restart delay; doubled per restart in the window, at most 30 s. */
  backoffMs?: number;
  onGiveUp: (name: string) => void;
}

interface TSupervised {
  spec: TChildSpec;
  child: ChildProcess;
  restarts: number[];
  timer?: NodeJS.Timeout;
}

export class Supervisor {
  private readonly children = new Map<string, TSupervised>();
  private stopping = false;

  constructor(private readonly options: TSupervisorOptions) {}

  start(spec: TChildSpec): ChildProcess {
    const child = startGroup(spec.name, spec.command, spec.args, spec.options);
    const entry: TSupervised = this.children.get(spec.name) ?? { spec, child, restarts: [] };
    entry.child = child;
    this.children.set(spec.name, entry);
    child.once('exit', (code, signal) => this.exited(entry, child, code, signal));
    return child;
  }

  /** The names of the children started, in start order. */
  names(): string[] {
    return [...this.children.keys()];
  }

  /** The current process of a child (a new one after each restart). */
  process(name: string): ChildProcess | undefined {
    return this.children.get(name)?.child;
  }

  private exited(entry: TSupervised, child: ChildProcess, code: number | null, signal: string | null): void {
    if (this.stopping || entry.child !== child) return;
    const { maxRestarts = 5, windowMs = 5 * 60_000, backoffMs = 1000 } = this.options;
    const now = Date.now();
    entry.restarts = entry.restarts.filter((at) => now - at < windowMs);
    const how = signal ?? `code ${code}`;
    if (entry.restarts.length >= maxRestarts) {
      this.options.log(
        `${entry.spec.name} exited (${how}) ${entry.restarts.length + 1} times in ${Math.round(windowMs / 1000)} s; giving up`,
      );
      this.options.onGiveUp(entry.spec.name);
      return;
    }
    const delay = Math.min(30_000, backoffMs * 2 ** entry.restarts.length);
    entry.restarts.push(now);
    this.options.log(
      `${entry.spec.name} exited (${how}); restarting it in ${delay} ms (the rest keeps running)`,
    );
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (!this.stopping) this.start(entry.spec);
    }, delay);
  }

  /** Stops the named children (all when none named) together: SIGTERM to each group, SIGKILL after graceMs. */
  async stop(names?: string[], graceMs = 15_000): Promise<void> {
    this.stopping = true;
    const entries = [...this.children.values()].filter((e) => !names || names.includes(e.spec.name));
    for (const entry of entries) clearTimeout(entry.timer);
    await Promise.all(entries.map((entry) => stopGroup(entry.child, graceMs)));
  }
}

/**
 * The shutdown order of `npm start`: the supervised children first (the worker records its state
 * while the database and Redis are still up), then the services in reverse start order.
 */
export async function stopInOrder(
  supervisor: Supervisor,
  services: { name: string; started: boolean; stop(): Promise<void> }[],
  log: (line: string) => void,
  graceMs = 15_000,
): Promise<void> {
  await supervisor.stop(undefined, graceMs);
  const names = supervisor.names();
  if (names.length > 0) log(`stopped ${names.join(' and ')}`);
  for (const service of [...services].reverse()) {
    if (!service.started) continue;
    try {
      await service.stop();
      log(`stopped ${service.name}`);
    } catch (error) {
      log(`could not stop ${service.name}: ${(error as Error).message}`);
    }
  }
}
