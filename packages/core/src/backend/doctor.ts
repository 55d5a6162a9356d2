import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { layerNorm } from '../bert/layers.ts';
import { configureNativeBlas, nativeBlasStatus, readBlasConfig } from './native-blas.ts';
import { currentBackend, initBackend } from './select.ts';

// What `tunelab doctor` and the worker's heartbeat report: which compute engines load here, why
// the others do not, whether each loaded one computes the same as the cpu backend, and how fast.

/** The engines TuneLab can use; `threads` is worker_threads data parallelism on the wasm backend. */
export const ENGINE_NAMES = ['node-gpu', 'node', 'wasm', 'native-blas', 'threads'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export interface EngineFact {
  name: EngineName;
  loads: boolean;
  /** What loaded (version, vendor, thread count) or why it does not. */
  detail: string;
}

/** The backend facts a worker's heartbeat carries (cheap: nothing is computed). */
export interface EngineSummary {
  /** For lists: "wasm + OpenBLAS×1 · 2 cores" (engineLine). */
  line: string;
  backend: string | null;
  nativeBlas: { vendor: string | null; threads: number | null } | null;
  cores: number;
  engines: EngineFact[];
}

const require = createRequire(import.meta.url);

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 200) ?? '';
}

const NODE_GPU_NEEDS =
  '@tensorflow/tfjs-node-gpu 4.22 (its last release) needs CUDA 11.2, cuDNN 8.1 and libtensorflow 2.9.1, which its install downloads; CUDA-12-only hosts fail on libcudart.so.11.0';

/** Whether a tfjs native binding can be required, without activating it. */
function probeNative(pkg: string, missing: string): { loads: boolean; detail: string } {
  let version = '';
  try {
    version = (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return {
      loads: false,
      detail: `${pkg} is not installed: ${missing}`,
    };
  }
  try {
    require(pkg);
    return { loads: true, detail: `${pkg} ${version}` };
  } catch (error) {
    return { loads: false, detail: `${pkg} ${version} is installed but does not load: ${firstLine(error)}` };
  }
}

/** Runs a 64×64 wasm matmul inside a worker thread: data-parallel training needs exactly that. */
async function probeThreads(): Promise<{ loads: boolean; detail: string }> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const tf = require(workerData.core);
    require(workerData.wasm);
    tf.setBackend('wasm').then(async (ok) => {
      if (!ok) throw new Error('wasm backend did not initialise in a worker thread');
      const x = tf.ones([64, 64]);
      const s = (await tf.sum(tf.matMul(x, x)).data())[0];
      parentPort.postMessage(s);
    }).catch((e) => parentPort.postMessage('error: ' + e.message));`;
  const cores = availableParallelism();
  try {
    const worker = new Worker(code, {
      eval: true,
      workerData: {
        core: require.resolve('@tensorflow/tfjs-core'),
        wasm: require.resolve('@tensorflow/tfjs-backend-wasm'),
      },
    });
    const answer = await new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    }).finally(() => worker.terminate());
    if (answer !== 64 ** 3)
      return { loads: false, detail: `a wasm product in a worker thread gave ${String(answer)}` };
    return {
      loads: true,
      detail: `worker_threads with a wasm backend each; ${cores} core${cores === 1 ? '' : 's'} (TUNELAB_THREADS=${process.env.TUNELAB_THREADS ?? 'unset'})`,
    };
  } catch (error) {
    return { loads: false, detail: `worker_threads: ${firstLine(error)}` };
  }
}

async function wasmLoads(): Promise<{ loads: boolean; detail: string }> {
  const version = (require('@tensorflow/tfjs-backend-wasm/package.json') as { version: string }).version;
  const before = tf.getBackend();
  try {
    const ok = await tf.setBackend('wasm');
    return ok
      ? { loads: true, detail: `@tensorflow/tfjs-backend-wasm ${version} (SIMD, one core per thread)` }
      : { loads: false, detail: `@tensorflow/tfjs-backend-wasm ${version} did not initialise` };
  } catch (error) {
    return { loads: false, detail: firstLine(error) };
  } finally {
    if (before !== undefined && before !== tf.getBackend()) await tf.setBackend(before);
  }
}

function blasFact(): EngineFact {
  const s = nativeBlasStatus();
  if (s.active)
    return {
      name: 'native-blas',
      loads: true,
      detail: `${s.vendor} addon, ${s.threads} thread(s) per product`,
    };
  return { name: 'native-blas', loads: false, detail: s.reason ?? 'not available' };
}

/** Which engines load and why the others do not. Initialises the backend (initBackend) if needed. */
export async function probeEngines(): Promise<EngineFact[]> {
  if (currentBackend() === null) await initBackend(undefined, () => {});
  const gpu = probeNative(
    '@tensorflow/tfjs-node-gpu',
    'add it with `npm install @tensorflow/tfjs-node-gpu` on a CUDA host',
  );
  const node = probeNative(
    '@tensorflow/tfjs-node',
    'an optional dependency, dropped when its install cannot download libtensorflow 2.9.1',
  );
  return [
    { name: 'node-gpu', ...gpu, detail: gpu.loads ? gpu.detail : `${gpu.detail}. ${NODE_GPU_NEEDS}` },
    { name: 'node', ...node },
    { name: 'wasm', ...(await wasmLoads()) },
    blasFact(),
    { name: 'threads', ...(await probeThreads()) },
  ];
}

/** The heartbeat's facts: probeEngines plus the chosen backend and BLAS threads. */
export async function engineSummary(): Promise<EngineSummary> {
  const engines = await probeEngines();
  const blas = nativeBlasStatus();
  const facts = {
    backend: currentBackend(),
    nativeBlas: blas.active ? { vendor: blas.vendor, threads: blas.threads } : null,
    cores: availableParallelism(),
  };
  return { line: engineLine(facts), ...facts, engines };
}

/** A short line for lists: "wasm + OpenBLAS×2 · 2 cores". */
export function engineLine(s: Pick<EngineSummary, 'backend' | 'nativeBlas' | 'cores'>): string {
  const blas = s.nativeBlas ? ` + ${s.nativeBlas.vendor ?? 'BLAS'}×${s.nativeBlas.threads ?? '?'}` : '';
  return `${s.backend ?? '?'}${blas} · ${s.cores} core${s.cores === 1 ? '' : 's'}`;
}

// ---- kernel self-test ---------------------------------------------------------------------------

/** Deterministic values in [-0.5, 0.5) (an LCG), so two backends see the same numbers. */
export function seededValues(shape: number[], seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

function filled(shape: number[], seed: number): tf.Tensor {
  return tf.tensor(seededValues(shape, seed), shape);
}

/** Each check returns the arrays to compare (values and gradients). */
const CHECKS: { name: string; run: () => tf.Tensor[] }[] = [
  { name: 'MatMul', run: () => [tf.matMul(filled([33, 70], 1), filled([70, 21], 2))] },
  ...(
    [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const
  ).map(([ta, tb]) => ({
    name: `BatchMatMul ${ta ? 'Aᵀ' : 'A'}·${tb ? 'Bᵀ' : 'B'} (value, both gradients)`,
    run: () => {
      const a = filled(ta ? [3, 17, 9] : [3, 9, 17], 3);
      const b = filled(tb ? [3, 11, 17] : [3, 17, 11], 4);
      const w = filled([3, 9, 11], 5);
      const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), w));
      const [ga, gb] = tf.grads(f)([a, b]);
      return [tf.matMul(a, b, ta, tb), ga as tf.Tensor, gb as tf.Tensor];
    },
  })),
  {
    name: 'gather and its gradient',
    run: () => {
      const table = filled([50, 8], 6);
      const ids = tf.tensor2d([3, 7, 7, 49, 0, 3], [2, 3], 'int32');
      const w = filled([2, 3, 8], 7);
      const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.gather(t, ids), w)))(table);
      return [tf.gather(table, ids), g];
    },
  },
  { name: 'softmax', run: () => [tf.softmax(tf.mul(filled([6, 40], 8), 8))] },
  {
    name: 'layer norm (value and gradient)',
    run: () => {
      const x = filled([12, 64], 9);
      const gamma = tf.add(filled([64], 10), 1);
      const beta = filled([64], 11);
      const w = filled([12, 64], 12);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(layerNorm(v, gamma, beta, 1e-12), w)))(x);
      return [layerNorm(x, gamma, beta, 1e-12), g];
    },
  },
];

export interface SelfTestResult {
  check: string;
  /** Largest relative L2 difference to the cpu backend over the check's outputs. */
  relError: number;
  ok: boolean;
  error?: string;
}

const SELF_TEST_TOLERANCE = 1e-5;

function relL2(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += ((a[i] as number) - (b[i] as number)) ** 2;
    den += (b[i] as number) ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

async function outputsOn(backend: string, run: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => run().map((t) => t.dataSync() as Float32Array));
}

/** Runs every check on `backend` and on cpu and compares them. Restores the active backend. */
export async function selfTest(backend: string): Promise<SelfTestResult[]> {
  const before = tf.getBackend();
  // The cpu backend's first write prints "install our node backend" advice; here cpu is only the
  // reference, and the engines list says what loads and why.
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu !== null) cpu.firstUse = false;
  const out: SelfTestResult[] = [];
  try {
    for (const c of CHECKS) {
      try {
        const want = await outputsOn('cpu', c.run);
        const got = await outputsOn(backend, c.run);
        const relError = Math.max(...want.map((w, i) => relL2(got[i] as Float32Array, w)));
        out.push({ check: c.name, relError, ok: relError <= SELF_TEST_TOLERANCE });
      } catch (error) {
        out.push({ check: c.name, relError: Number.NaN, ok: false, error: firstLine(error) });
      }
    }
  } finally {
    await tf.setBackend(before);
  }
  return out;
}

// ---- speed probe --------------------------------------------------------------------------------

export interface SpeedProbe {
  engine: string;
  /** Best GFLOP/s of a 1024³ product (2·1024³ FLOPs) over the probe. */
  matmulGflops: number;
  products: number;
  seconds: number;
}

function matmulProbe(seconds: number): { gflops: number; products: number } {
  const n = 1024;
  return tf.tidy(() => {
    const a = filled([n, n], 13);
    const b = filled([n, n], 14);
    tf.matMul(a, b).dataSync();
    let best = Number.POSITIVE_INFINITY;
    let products = 0;
    const end = performance.now() + seconds * 1000;
    do {
      const t0 = performance.now();
      tf.tidy(() => {
        tf.matMul(a, b).dataSync();
      });
      best = Math.min(best, performance.now() - t0);
      products++;
    } while (performance.now() < end);
    return { gflops: (2 * n ** 3) / (best / 1000) / 1e9, products };
  });
}

export interface DoctorReport {
  chosen: string | null;
  cores: number;
  engines: EngineFact[];
  selfTests: { backend: string; results: SelfTestResult[]; ok: boolean }[];
  speed: SpeedProbe[];
  ok: boolean;
}

/**
 * Everything `tunelab doctor` prints: engines, a self-test of each loaded tfjs backend (and of
 * wasm with and without the native BLAS) against cpu, and a speed probe of `probeSeconds` in all
 * shared among those paths.
 */
export async function diagnose(options: { probeSeconds?: number } = {}): Promise<DoctorReport> {
  const probeSeconds = options.probeSeconds ?? 5;
  const engines = await probeEngines();
  const loads = (n: EngineName) => engines.find((e) => e.name === n)?.loads === true;
  // tfjs-node and tfjs-node-gpu both register as 'tensorflow'; the wasm backend runs twice when
  // the native BLAS is on: once through it, once through XNNPACK.
  const paths: { label: string; backend: string; blas?: 'on' | 'off' }[] = [];
  if (loads('node-gpu') || loads('node'))
    paths.push({ label: loads('node-gpu') ? 'node-gpu' : 'node', backend: 'tensorflow' });
  if (loads('wasm')) {
    if (loads('native-blas')) paths.push({ label: 'wasm + native BLAS', backend: 'wasm', blas: 'on' });
    paths.push({ label: 'wasm (XNNPACK)', backend: 'wasm', blas: 'off' });
  }
  const config = readBlasConfig();
  const selfTests: DoctorReport['selfTests'] = [];
  const speed: SpeedProbe[] = [];
  const before = tf.getBackend();
  try {
    for (const p of paths) {
      if (p.blas !== undefined) configureNativeBlas({ ...config, mode: p.blas });
      const results = await selfTest(p.backend);
      selfTests.push({ backend: p.label, results, ok: results.every((r) => r.ok) });
      await tf.setBackend(p.backend);
      const share = probeSeconds / paths.length;
      const t0 = performance.now();
      const { gflops, products } = matmulProbe(share);
      speed.push({
        engine: p.label,
        matmulGflops: gflops,
        products,
        seconds: (performance.now() - t0) / 1000,
      });
    }
  } finally {
    configureNativeBlas(config);
    await tf.setBackend(before);
  }
  return {
    chosen: currentBackend(),
    cores: availableParallelism(),
    engines,
    selfTests,
    speed,
    ok: selfTests.length > 0 && selfTests.every((s) => s.ok),
  };
}
