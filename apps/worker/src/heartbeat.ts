import os from 'node:os';
import type { EngineSummary } from '@tunelab/core/backend';
import { getPrisma } from '@tunelab/db';

export interface TActiveJob {
  jobId: string;
  name: string;
  queue: string;
  runId?: string;
  startedAt: string;
}

/**
 * Writes a WorkerHeartbeat row every `intervalMs` so the dashboard (and /api/health) can tell which
 * workers are alive: a row whose lastSeen is older than a few intervals is a dead worker.
 */
export class Heartbeat {
  readonly active = new Map<string, TActiveJob>();
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> = Promise.resolve();
  /** The backend facts (tunelab doctor's engines), probed once at start; null when tfjs cannot load. */
  engine: EngineSummary | null = null;

  constructor(
    private readonly options: { workerId: string; backend: string; concurrency: number; intervalMs: number },
    private readonly log: Pick<Console, 'error'> = console,
  ) {}

  async start(): Promise<void> {
    this.engine = await probeEngine();
    await this.beat();
    this.timer = setInterval(() => {
      this.beating = this.beat().catch((error: Error) =>
        this.log.error(`[worker:heartbeat] ${error.message}`),
      );
    }, this.options.intervalMs);
    this.timer.unref();
  }

  jobStarted(job: TActiveJob): void {
    this.active.set(`${job.queue}/${job.jobId}`, job);
  }

  jobEnded(queue: string, jobId: string | undefined): void {
    this.active.delete(`${queue}/${jobId}`);
  }

  async beat(): Promise<void> {
    const data = {
      host: os.hostname(),
      backend: this.options.backend,
      pid: process.pid,
      concurrency: this.options.concurrency,
      activeJobs: [...this.active.values()] as object[],
      engine: this.engine === null ? undefined : (this.engine as object),
      lastSeen: new Date(),
    };
    await getPrisma().workerHeartbeat.upsert({
      where: { id: this.options.workerId },
      create: { id: this.options.workerId, ...data },
      update: data,
    });
  }

  /** Stops beating and removes the row: a cleanly stopped worker is not shown as alive. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
    await getPrisma()
      .workerHeartbeat.deleteMany({ where: { id: this.options.workerId } })
      .catch((error: Error) => this.log.error(`[worker:heartbeat] ${error.message}`));
  }
}

/** Loaded lazily, like detectBackend: a failure to initialise tfjs must not stop the worker. */
async function probeEngine(): Promise<EngineSummary | null> {
  try {
    const { engineSummary } = await import('@tunelab/core/backend');
    return await engineSummary();
  } catch {
    return null;
  }
}
