import { CancelledError } from '@tunelab/core/jobs';
import {
  isInfrastructureError,
  prisma,
  retryOnInfrastructure,
  setRunProgress,
  type TMetricPoint,
  writeMetrics,
} from '@tunelab/db';

const FLUSH_POINTS = 50;
const FLUSH_MS = 1500;
/** Points and log lines kept while the database is unreachable, at most (then the job fails). */
const MAX_BUFFERED = 200_000;

/**
 * Adapts the runtime's `throwIfCancelled` to a core loop's `shouldStop` (true = stop after this
 * step, so the loop ends cleanly and disposes its tensors); other errors propagate.
 */
export async function cancelRequested(throwIfCancelled: () => Promise<void>): Promise<boolean> {
  try {
    await throwIfCancelled();
    return false;
  } catch (error) {
    if (error instanceof CancelledError) return true;
    throw error;
  }
}

type TLogLine = { level: 'info' | 'warn' | 'error' | 'debug'; message: string; ts: Date };

/**
 * Batches a run's metric points and progress updates (one createMany + one update per flush instead
 * of one per step). Writes are idempotent, so a retried job re-sending old steps is harmless. While
 * PostgreSQL is unreachable, points and log lines stay buffered and training goes on; the next
 * flush after it is back writes them (`drain()` waits for that, for the end of a run).
 */
export class RunReporter {
  private buffer: TMetricPoint[] = [];
  private logs: TLogLine[] = [];
  private away: Date | null = null;
  private lastFlush = Date.now();
  private progress: { progress: number; etaSeconds: number | null } | null = null;
  /** Highest step reported so far (for step limits). */
  stepsSeen = 0;

  constructor(readonly runId: string) {}

  async point(p: TMetricPoint): Promise<void> {
    this.buffer.push(p);
    if (p.step > this.stepsSeen) this.stepsSeen = p.step;
    if (this.buffer.length >= FLUSH_POINTS || Date.now() - this.lastFlush >= FLUSH_MS) await this.flush();
  }

  setProgress(progress: number, etaSeconds: number | null): void {
    this.progress = { progress: Math.max(0, Math.min(1, progress)), etaSeconds };
  }

  /**
   * Records one training step (loss and learning rate) and its progress. `maxSteps` > 0 caps the run
   * below the loop's own total, so progress and ETA are scaled to the cap.
   */
  async step(
    e: { step: number; epoch: number; loss: number; lr: number; totalSteps: number; etaSeconds: number },
    maxSteps: number,
  ): Promise<void> {
    const wallTime = new Date();
    await this.point({ name: 'loss', split: 'train', step: e.step, value: e.loss, epoch: e.epoch, wallTime });
    await this.point({ name: 'lr', split: 'train', step: e.step, value: e.lr, epoch: e.epoch, wallTime });
    const total = maxSteps > 0 ? Math.min(maxSteps, e.totalSteps) : e.totalSteps;
    this.setProgress(e.step / total, e.etaSeconds * (total / e.totalSteps));
  }

  async flush(): Promise<void> {
    const points = this.buffer;
    const logs = this.logs;
    this.buffer = [];
    this.logs = [];
    this.lastFlush = Date.now();
    try {
      if (logs.length)
        await prisma.runLog.createMany({ data: logs.map((l) => ({ runId: this.runId, ...l })) });
    } catch (error) {
      this.keep(error, [], logs);
      this.buffer = [...points, ...this.buffer];
      return;
    }
    try {
      if (points.length) await writeMetrics(this.runId, points);
      if (this.progress) {
        await setRunProgress(this.runId, this.progress.progress, this.progress.etaSeconds);
        this.progress = null;
      }
    } catch (error) {
      this.keep(error, points, []);
      return;
    }
    if (this.away) {
      const seconds = ((Date.now() - this.away.getTime()) / 1000).toFixed(1);
      this.away = null;
      await this.log(`database back after ${seconds} s; buffered metrics and logs written`, 'warn');
    }
  }

  /** Flushes, waiting while the database is unreachable (TUNELAB_INFRA_WAIT_MS): the end of a run. */
  async drain(): Promise<void> {
    await retryOnInfrastructure(
      async () => {
        await this.flush();
        if (this.away) throw Object.assign(new Error('database unreachable'), { code: 'ECONNREFUSED' });
      },
      { what: `writing the metrics of run ${this.runId}` },
    );
  }

  /** Puts unwritten points and log lines back (infrastructure errors only; others propagate). */
  private keep(error: unknown, points: TMetricPoint[], logs: TLogLine[]): void {
    if (!isInfrastructureError(error)) throw error;
    if (!this.away) {
      this.away = new Date();
      console.error(`[worker:run ${this.runId}] database unreachable; buffering metrics and logs`);
    }
    this.buffer = [...points, ...this.buffer];
    this.logs = [...logs, ...this.logs];
    if (this.buffer.length + this.logs.length > MAX_BUFFERED) throw error;
  }

  async log(message: string, level: 'info' | 'warn' | 'error' | 'debug' = 'info'): Promise<void> {
    console.log(`[worker:run ${this.runId}] ${level} ${message}`);
    this.logs.push({ level, message, ts: new Date() });
    if (!this.away) await this.flush();
  }
}
