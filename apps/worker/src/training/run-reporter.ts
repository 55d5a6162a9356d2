import { CancelledError } from '@tunelab/core/jobs';
import { prisma, setRunProgress, type TMetricPoint, writeMetrics } from '@tunelab/db';

const FLUSH_POINTS = 50;
const FLUSH_MS = 1500;

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

/**
 * Batches a run's metric points and progress updates (one createMany + one update per flush instead
 * of one per step). Writes are idempotent, so a retried job re-sending old steps is harmless.
 */
export class RunReporter {
  private buffer: TMetricPoint[] = [];
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
    this.buffer = [];
    this.lastFlush = Date.now();
    if (points.length) await writeMetrics(this.runId, points);
    if (this.progress) {
      await setRunProgress(this.runId, this.progress.progress, this.progress.etaSeconds);
      this.progress = null;
    }
  }

  async log(message: string, level: 'info' | 'warn' | 'error' | 'debug' = 'info'): Promise<void> {
    console.log(`[worker:run ${this.runId}] ${level} ${message}`);
    await prisma.runLog.create({ data: { runId: this.runId, level, message } });
  }
}
