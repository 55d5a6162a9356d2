import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { readCoreEnv } from '../env/index.ts';
import { registerAllGradients } from './gradients.ts';
import { registerWasmKernels } from './wasm-kernels.ts';

/** Names a user may put in TUNELAB_BACKEND, in the order they are tried by default. */
export const BACKEND_NAMES = ['node-gpu', 'node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

const require = createRequire(import.meta.url);

// The native bindings are optional dependencies: their require may fail with MODULE_NOT_FOUND, a
// missing .node binary, or an error without a code (install scripts blocked), so every error means
// "not available" and the next candidate is tried.
function tryNative(pkg: string, tfName: string): boolean {
  try {
    require(pkg);
    return tf.findBackend(tfName) !== null || tf.engine().registryFactory[tfName] !== undefined;
  } catch {
    return false;
  }
}

let chosen: BackendName | null = null;

/**
 * Selects the fastest tfjs backend available: tfjs-node-gpu, then tfjs-node, then wasm (SIMD), then
 * cpu. `TUNELAB_BACKEND` (or `prefer`) forces one and fails loudly when it cannot load. Returns the
 * name chosen; calling again returns the same name without reinitialising.
 */
export async function initBackend(
  prefer: string | undefined = readCoreEnv().TUNELAB_BACKEND,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<BackendName> {
  if (chosen !== null && (prefer === undefined || prefer === '' || prefer === chosen)) return chosen;
  const forced = prefer === undefined || prefer === '' ? null : prefer;
  if (forced !== null && !(BACKEND_NAMES as readonly string[]).includes(forced)) {
    throw new Error(`TUNELAB_BACKEND="${forced}" is not one of ${BACKEND_NAMES.join(', ')}`);
  }
  registerAllGradients();
  const candidates: BackendName[] = forced === null ? [...BACKEND_NAMES] : [forced as BackendName];
  for (const name of candidates) {
    if (await activate(name)) {
      chosen = name;
      log(`tunelab: tfjs backend ${name}`);
      return name;
    }
    if (forced !== null)
      throw new Error(`TUNELAB_BACKEND=${forced} requested but that backend could not be loaded`);
  }
  throw new Error('no tfjs backend could be initialised (tried node-gpu, node, wasm, cpu)');
}

async function activate(name: BackendName): Promise<boolean> {
  switch (name) {
    case 'node-gpu':
      // tfjs-node-gpu registers itself as 'tensorflow', like tfjs-node.
      return tryNative('@tensorflow/tfjs-node-gpu', 'tensorflow') && (await tf.setBackend('tensorflow'));
    case 'node':
      return tryNative('@tensorflow/tfjs-node', 'tensorflow') && (await tf.setBackend('tensorflow'));
    case 'wasm': {
      const ok = await tf.setBackend('wasm').catch(() => false);
      if (ok) registerWasmKernels();
      return ok;
    }
    case 'cpu':
      return tf.setBackend('cpu');
  }
}

/** The backend chosen by initBackend, or null before it ran. */
export function currentBackend(): BackendName | null {
  return chosen;
}
