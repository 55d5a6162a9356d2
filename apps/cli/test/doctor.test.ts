import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { DoctorReport } from '@tunelab/core/backend';
import { describe, expect, it } from 'vitest';
import { formatDoctor } from '../src/commands/doctor.ts';

// Runs the real `tunelab doctor` in a subprocess (a short speed probe).
const run = promisify(execFile);
const BIN = new URL('../bin/tunelab.mjs', import.meta.url).pathname;

describe('tunelab doctor', () => {
  it('--json reports engines, a passing self-test per loaded backend and a speed probe', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'doctor', '--json', '--probe-seconds', '0.3'], {
      timeout: 120_000,
    });
    const r = JSON.parse(stdout) as DoctorReport;
    expect(r.chosen).toBe('wasm');
    expect(r.engines.map((e) => e.name)).toEqual(['node-gpu', 'node', 'wasm', 'native-blas', 'threads']);
    expect(r.engines.find((e) => e.name === 'node-gpu')?.detail).toMatch(/CUDA 11\.2/);
    const blas = r.engines.find((e) => e.name === 'native-blas');
    const labels = r.selfTests.map((s) => s.backend);
    // The wasm backend is tested through XNNPACK, and through the native BLAS when it loads.
    expect(labels).toEqual(blas?.loads ? ['wasm + native BLAS', 'wasm (XNNPACK)'] : ['wasm (XNNPACK)']);
    for (const s of r.selfTests) {
      expect(s.results).toHaveLength(8);
      expect(s.ok).toBe(true);
    }
    expect(r.speed.map((p) => p.engine)).toEqual(labels);
    for (const p of r.speed) {
      expect(p.products).toBeGreaterThan(0);
      expect(p.matmulGflops).toBeGreaterThan(0);
    }
    expect(r.ok).toBe(true);
  }, 180_000);

  it('refuses a bad --probe-seconds by name', async () => {
    await expect(run(process.execPath, [BIN, 'doctor', '--probe-seconds', 'soon'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/--probe-seconds must be a positive number, got "soon"/),
    });
  }, 60_000);
});

describe('formatDoctor', () => {
  const report: DoctorReport = {
    chosen: 'wasm',
    cores: 2,
    engines: [
      { name: 'node-gpu', loads: false, detail: 'needs CUDA 11.2' },
      { name: 'wasm', loads: true, detail: 'tfjs-backend-wasm' },
    ],
    selfTests: [
      {
        backend: 'wasm (XNNPACK)',
        ok: false,
        results: [
          { check: 'MatMul', relError: 2e-8, ok: true },
          { check: 'softmax', relError: 0.5, ok: false },
        ],
      },
    ],
    speed: [{ engine: 'wasm (XNNPACK)', matmulGflops: 23.25, products: 40, seconds: 5 }],
    ok: false,
  };
  it('marks what loads, what fails, and the probe', () => {
    const text = formatDoctor(report);
    expect(text).toMatch(/no {3}node-gpu {5}needs CUDA 11\.2/);
    expect(text).toMatch(/ok {3}wasm/);
    expect(text).toMatch(/wasm \(XNNPACK\): FAIL/);
    expect(text).toMatch(/FAIL softmax\s+5\.0e-1/);
    expect(text).toMatch(/23\.3 GFLOP\/s \(40 products in 5\.0 s\)/);
    expect(text.trim().split('\n').at(-1)).toBe('doctor: a check failed (see above)');
  });
});
