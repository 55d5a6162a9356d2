// Infrastructure errors: PostgreSQL or Redis unreachable. A retry of the job cannot fix them and
// must not use up its attempts: callers wait (with backoff) until the service answers again.
import { readEnv } from './env.ts';

/** Driver-adapter error kinds (Prisma's pg adapter) that mean the database is not there. */
const UNREACHABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
/** Prisma engine codes for the same (can't reach, timed out, closed, pool timeout). */
const UNREACHABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** Socket errors and PostgreSQL SQLSTATEs of a server that is away or shutting down. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);
/**
 * Errors of a connection that went down that carry no code: ioredis / BullMQ's, node-postgres's
 * (a query in flight when the server died), PostgreSQL's own while it starts or stops.
 */
const CONNECTION_DOWN =
  /^(Connection is closed|Stream isn't writeable|Reached the max retries per request limit|Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Client was closed and is not queryable)|the database system is (starting up|shutting down|not yet accepting connections|in recovery mode)/;

/**
 * Whether an error means a server (database or Redis) is unreachable, rather than anything about the
 * job: decided from error classes' codes and kinds, walking `cause` chains.
 */
export function isInfrastructureError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    const e = current as {
      code?: unknown;
      name?: unknown;
      message?: unknown;
      kind?: unknown;
      meta?: { driverAdapterError?: { cause?: unknown } };
      cause?: unknown;
    };
    if (typeof e.code === 'string' && (UNREACHABLE_PRISMA_CODES.has(e.code) || UNREACHABLE_CODES.has(e.code)))
      return true;
    if (typeof e.kind === 'string' && UNREACHABLE_KINDS.has(e.kind)) return true;
    if (e.name === 'PrismaClientInitializationError') return true;
    if (e.name === 'MaxRetriesPerRequestError') return true;
    if (typeof e.message === 'string' && CONNECTION_DOWN.test(e.message)) return true;
    current = e.meta?.driverAdapterError?.cause ?? e.cause;
  }
  return false;
}

export interface TInfraRetryOptions {
  /** What is being done, for the log line ("recording run x succeeded"). */
  what: string;
  log?: (message: string) => void;
  /** Give up (rethrow) after this long; default TUNELAB_INFRA_WAIT_MS. */
  maxWaitMs?: number;
}

/**
 * Runs `fn`, and while it fails with an infrastructure error waits and tries again with exponential
 * backoff (TUNELAB_INFRA_BACKOFF_MS doubling up to 10 s) for at most TUNELAB_INFRA_WAIT_MS; any other
 * error is rethrown at once. Use it for writes that must happen (a run's final status).
 */
export async function retryOnInfrastructure<T>(
  fn: () => Promise<T>,
  options: TInfraRetryOptions,
): Promise<T> {
  const env = readEnv();
  const maxWaitMs = options.maxWaitMs ?? env.TUNELAB_INFRA_WAIT_MS;
  const started = Date.now();
  let delay = env.TUNELAB_INFRA_BACKOFF_MS;
  let tries = 0;
  for (;;) {
    try {
      const result = await fn();
      if (tries > 0)
        options.log?.(
          `${options.what}: done after ${((Date.now() - started) / 1000).toFixed(1)} s of waiting`,
        );
      return result;
    } catch (error) {
      if (!isInfrastructureError(error) || Date.now() - started + delay > maxWaitMs) throw error;
      if (tries === 0)
        options.log?.(`${options.what}: ${(error as Error).message.trim().split('\n').pop()}; waiting`);
      tries += 1;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }
}
