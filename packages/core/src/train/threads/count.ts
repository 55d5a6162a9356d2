import { availableParallelism } from 'node:os';

/**
 * Data-parallel threads for one run: `requested` (TUNELAB_THREADS) or else every core this run may
 * use, which is the machine's cores shared by the worker's `concurrency` simultaneous jobs, so
 * concurrency × threads never exceeds the cores. Only the wasm backend (one core per instance) is
 * spread over threads; native backends multi-thread themselves and get 1.
 */
export function runThreads(
  o: { requested?: number; concurrency?: number; backend?: string; cores?: number } = {},
): number {
  if (o.backend !== undefined && o.backend !== 'wasm') return 1;
  const cap = Math.max(1, Math.floor((o.cores ?? availableParallelism()) / Math.max(1, o.concurrency ?? 1)));
  return Math.max(1, Math.min(o.requested ?? cap, cap));
}
