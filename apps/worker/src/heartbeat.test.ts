import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type THarness } from '../test/harness.ts';
import { Heartbeat } from './heartbeat.ts';

let h: THarness;
beforeAll(async () => {
  h = await createHarness('worker_heartbeat');
}, 60_000);
afterAll(async () => {
  await h?.cleanup();
});

describe('heartbeat', () => {
  it('carries the backend facts that tunelab doctor reports', async () => {
    const workerId = h.config().workerId;
    const beat = new Heartbeat({ workerId, backend: 'wasm', concurrency: 1, intervalMs: 60_000 });
    await beat.start();
    const row = await h.prisma.workerHeartbeat.findUniqueOrThrow({ where: { id: workerId } });
    const engine = row.engine as { line: string; engines: { name: string; loads: boolean }[] } | null;
    expect(engine?.line).toMatch(/^wasm( \+ \w+×\d+)? · \d+ cores?$/);
    expect(engine?.engines.map((e) => e.name)).toEqual([
      'node-gpu',
      'node',
      'wasm',
      'native-blas',
      'threads',
    ]);
    expect(engine?.engines.find((e) => e.name === 'wasm')?.loads).toBe(true);
    await beat.stop();
    expect(await h.prisma.workerHeartbeat.count({ where: { id: workerId } })).toBe(0);
  }, 60_000);
});
