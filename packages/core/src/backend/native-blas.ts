import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';
import type { NativeBlas } from '@tunelab/native-blas';

// The optional native BLAS addon (packages/native-blas). When it is built, the wasm backend's
// BatchMatMul runs through it, straight on the wasm heap (see wasm-kernels.ts).
//
// TUNELAB_BLAS: `auto` (default: use the addon when it is built), `on` (fail when it is not), `off`.
// TUNELAB_BLAS_THREADS: threads per product. Default: the cores left to each data-parallel thread,
// cores ÷ TUNELAB_THREADS (which defaults to every core), so 1 unless fewer training threads were
// asked for; always 1 inside a worker thread. Measured (README "Native BLAS"): a second BLAS thread
// gained nothing on bert-tiny/mini training steps here, while a second training thread doubles
// throughput, and OpenBLAS's thread count is process-wide, so the training threads win the cores.

export const BLAS_MODES = ['auto', 'on', 'off'] as const;
export type BlasMode = (typeof BLAS_MODES)[number];

export interface BlasConfig {
  mode: BlasMode;
  /** Threads per product; null = the default above. */
  threads: number | null;
}

/** Reads TUNELAB_BLAS and TUNELAB_BLAS_THREADS; a bad value is refused naming the variable. */
export function readBlasConfig(env: NodeJS.ProcessEnv = process.env): BlasConfig {
  const rawMode = env.TUNELAB_BLAS ?? '';
  const mode = rawMode === '' ? 'auto' : rawMode;
  if (!(BLAS_MODES as readonly string[]).includes(mode)) {
    throw new Error(`TUNELAB_BLAS="${rawMode}" is not one of ${BLAS_MODES.join(', ')}`);
  }
  const rawThreads = env.TUNELAB_BLAS_THREADS ?? '';
  let threads: number | null = null;
  if (rawThreads !== '') {
    threads = Number(rawThreads);
    if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
      throw new Error(`TUNELAB_BLAS_THREADS="${rawThreads}" must be a whole number from 1 to 1024`);
    }
  }
  return { mode: mode as BlasMode, threads };
}

export function defaultBlasThreads(env: NodeJS.ProcessEnv = process.env): number {
  if (!isMainThread) return 1;
  const cores = availableParallelism();
  const training = Number(env.TUNELAB_THREADS);
  const threads = Number.isInteger(training) && training >= 1 ? Math.min(training, cores) : cores;
  return Math.max(1, Math.floor(cores / threads));
}

export interface BlasStatus {
  /** The addon is built and loads. */
  available: boolean;
  /** BatchMatMul on wasm runs through it now. */
  active: boolean;
  vendor: string | null;
  threads: number | null;
  /** Why it is not available or not active. */
  reason: string | null;
}

const require = createRequire(import.meta.url);
let loaded: { addon: NativeBlas | null; error: string | null } | undefined;
let active: NativeBlas | null = null;
let reason: string | null = null;

function load(): { addon: NativeBlas | null; error: string | null } {
  if (loaded === undefined) {
    try {
      const mod = require('@tunelab/native-blas') as { addon: NativeBlas | null; error: string | null };
      loaded = {
        addon: mod.addon,
        error:
          mod.addon === null
            ? `the addon is not built (${mod.error ?? 'unknown error'}); build it with \`npm run build -w @tunelab/native-blas\` (needs a C++ compiler and libopenblas-dev)`
            : null,
      };
    } catch (error) {
      loaded = { addon: null, error: `@tunelab/native-blas is not installed (${(error as Error).message})` };
    }
  }
  return loaded;
}

/**
 * Turns the native path on or off according to `config` (TUNELAB_BLAS by default); `on` fails when
 * the addon is missing. Returns the resulting status. Called by registerWasmKernels; tests call it
 * to compare both paths.
 */
export function configureNativeBlas(config: BlasConfig = readBlasConfig()): BlasStatus {
  const { addon, error } = load();
  if (config.mode === 'off') {
    active = null;
    reason = 'TUNELAB_BLAS=off';
  } else if (addon === null) {
    if (config.mode === 'on') throw new Error(`TUNELAB_BLAS=on but native BLAS cannot load: ${error}`);
    active = null;
    reason = error;
  } else {
    addon.setThreads(config.threads ?? defaultBlasThreads());
    active = addon;
    reason = null;
  }
  return nativeBlasStatus();
}

export function nativeBlasStatus(): BlasStatus {
  const { addon, error } = load();
  return {
    available: addon !== null,
    active: active !== null,
    vendor: addon?.vendor ?? null,
    threads: active !== null ? active.getThreads() || null : null,
    reason: active !== null ? null : (reason ?? error),
  };
}

/** The addon when the native path is on, else null (the wasm/XNNPACK kernels run). */
export function activeBlas(): NativeBlas | null {
  return active;
}
