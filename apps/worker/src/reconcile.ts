// When a worker reconciles runs with their jobs (@tunelab/jobs reconcileRuns): at start, each time
// its Redis connection comes back (a restarted Redis may have lost waiting jobs), and every
// `everyMs`. A failed pass (Redis or PostgreSQL still away) is tried again a few seconds later.
import { reconcileRuns } from '@tunelab/jobs';
import type { Redis } from 'ioredis';

export interface TReconciler {
  /** The first pass (at start); never rejects. */
  ready: Promise<void>;
  stop(): void;
}

const RETRY_MS = 2_000;

export function startReconciler(options: {
  connection: Redis;
  prefix: string;
  everyMs: number;
  /** Runs younger than this are left alone (their job may be being stored); default 10 s. */
  graceMs?: number;
  log: Pick<Console, 'info' | 'error'>;
}): TReconciler {
  const { connection, log } = options;
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let retry: NodeJS.Timeout | undefined;
  const pass = (why: string): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        const { requeued, failed } = await reconcileRuns({ graceMs: options.graceMs });
        if (requeued.length || failed.length)
          log.info(
            `[worker:reconcile] ${why}: queued again ${requeued.length} run(s) whose job was lost${requeued.length ? ` (${requeued.join(', ')})` : ''}; failed ${failed.length}${failed.length ? ` (${failed.join(', ')})` : ''}`,
          );
      } catch (error) {
        log.error(
          `[worker:reconcile] ${why}: ${(error as Error).message}; trying again in ${RETRY_MS / 1000} s`,
        );
        clearTimeout(retry);
        retry = setTimeout(() => void pass(why), RETRY_MS);
        retry.unref();
      } finally {
        running = null;
        if (again) {
          again = false;
          void pass(why);
        }
      }
    })();
    return running;
  };
  let lost = false;
  const onClose = () => {
    lost = true;
  };
  const onReady = () => {
    if (!lost) return;
    lost = false;
    void pass('Redis reconnected');
  };
  connection.on('close', onClose);
  connection.on('ready', onReady);
  const timer =
    options.everyMs > 0 ? setInterval(() => void pass('periodic check'), options.everyMs) : undefined;
  timer?.unref();
  return {
    ready: pass('start'),
    stop() {
      stopped = true;
      clearInterval(timer);
      clearTimeout(retry);
      connection.off('close', onClose);
      connection.off('ready', onReady);
    },
  };
}
