import os from 'node:os';
import type { EngineSummary } from '@tunelab/core/backend';
import { FINISHED_RUN_STATUSES, getPrisma } from '@tunelab/db';

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
        this.log.error(`[worker:heartbeat] ${error.message.trim().split('\n').pop()}`),
      );
    }, this.options.intervalMs);
    this.timer.unref();
  }

  jobStarted(job: TActiveJob): void {
    this.active.set(`${job.queue}/${job.jobId}`, job);
    this.beatSoon();
  }

  jobEnded(queue: string, jobId: string | undefined): void {
    if (this.active.delete(`${queue}/${jobId}`)) this.beatSoon();
  }

  /** Writes the row now (once the timer runs): the active list changed. */
  private beatSoon(): void {
    if (!this.timer) return;
    this.beating = this.beating
      .then(() => this.beat())
      .catch((error: Error) => this.log.error(`[worker:heartbeat] ${error.message}`));
  }

  async beat(): Promise<void> {
    await this.dropFinished();
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

  /**
   * Reality check: a job whose run has finished is not active, even when BullMQ could not report its
   * end (Redis restarted under it, so neither 'completed' nor 'failed' was emitted).
   */
  private async dropFinished(): Promise<void> {
    const runIds = [...this.active.values()].flatMap((job) => (job.runId ? [job.runId] : []));
    if (runIds.length === 0) return;
    const finished = await getPrisma()
      .run.findMany({
        where: { id: { in: runIds }, status: { in: [...FINISHED_RUN_STATUSES] } },
        select: { id: true },
      })
      .catch(() => []); // the database away: the beat itself fails and says so

    const done = new Set(finished.map((run) => run.id));
    for (const [key, job] of this.active) if (job.runId && done.has(job.runId)) this.active.delete(key);
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
