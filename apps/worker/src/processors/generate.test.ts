// generate.run against a small OpenAI-compatible server on loopback: real HTTP through the real
// `openai` client, the run created and enqueued the way the web app does (createQueuedRuns), then
// processed through runJob (the runtime's lifecycle).
import { networkInterfaces } from 'node:os';
import { startOpenAiStub, type TOpenAiStub } from '@tunelab/core/llm/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createProcessorTestEnv,
  destroyProcessorTestEnv,
  runProcessorJob,
  type TProcessorTestEnv,
} from '../../test/processor-env.ts';

const KEY = 'sk-test-SECRET-0123456789abcdef';

let env: TProcessorTestEnv;
let prisma: TProcessorTestEnv['prisma'];
let stub: TOpenAiStub;
let datasetId: string;

beforeAll(async () => {
  process.env.TUNELAB_CANCEL_CHECK_MS = '0';
  process.env.TUNELAB_GENERATION_BACKOFF_MS = '5';
  env = await createProcessorTestEnv('worker_generate');
  ({ prisma } = env);
  stub = await startOpenAiStub('0.0.0.0');
  const dataset = await prisma.dataset.create({
    data: {
      name: 'interviews',
      task: 'regression',
      labelMin: 0,
      labelMax: 6,
      textColumn: 'text',
      labelColumn: 'label',
      rowCount: 8,
      status: 'ready',
      rows: {
        create: Array.from({ length: 8 }, (_, i) => ({
          index: i,
          text: `real interview ${i}: I sleep ${8 - i} hours and wake up ${i} times a night`,
          label: i % 2 === 0 ? 5 : 1,
          split: 'train' as const,
        })),
      },
    },
  });
  datasetId = dataset.id;
}, 120_000);

afterAll(async () => {
  await stub?.close();
  const { closeProducer } = await import('@tunelab/jobs');
  await closeProducer();
  await destroyProcessorTestEnv(env);
});

beforeEach(() => {
  stub.requests.length = 0;
  stub.queue.length = 0;
});

async function connection(baseUrl = stub.baseUrl, allowRealRows = false, name = 'stub llm') {
  // Stored as the dashboard stores it: sealed with the installation's key.
  const { sealSecret } = await import('@tunelab/db');
  return prisma.connection.create({
    data: { name, baseUrl, model: 'stub-7b', apiKeySealed: sealSecret(KEY), allowRealRows },
  });
}

/** A generation run created and enqueued as the web app does; returns its id and job payload. */
async function launch(connectionId: string, spec: Record<string, unknown>) {
  const { createQueuedRuns } = await import('@tunelab/jobs');
  const [runId] = await createQueuedRuns([
    {
      kind: 'generate',
      dataset: { connect: { id: datasetId } },
      generation: {
        create: {
          connection: { connect: { id: connectionId } },
          spec: { template: 'Write about {{item}} at score {{score}} ({{scale}}).', ...spec },
          endpoint: { name: 'stub llm', model: 'stub-7b' },
        },
      },
    },
  ]);
  return runId as string;
}

async function run(runId: string, onProgress?: () => Promise<void>) {
  const { generateProcessor } = await import('./generate.ts');
  return runProcessorJob([generateProcessor], 'generate.run', { runId }, 'cpu', { onProgress }).catch(
    (e: Error) => e,
  );
}

describe('generation runs', () => {
  it('generates a plan end to end into the review queue, with few-shot rows recorded, tokens and checks', async () => {
    const c = await connection();
    const runId = await launch(c.id, {
      plan: [
        { item: 'sleep', score: 5, count: 2 },
        { item: 'sleep', score: 6, count: 1 },
      ],
      scale: { '5': 'sleeps under three hours' },
      fewShot: 2,
      temperature: 0.7,
      seed: 40,
      reviews: 2,
    });
    // The first answer copies a few-shot example back: the checks flag it.
    stub.queue.push({ text: 'real interview 0: I sleep 8 hours and wake up 0 times a night' });
    const result = await run(runId);
    expect(result).toMatchObject({ status: 'succeeded' });
    const r = await prisma.run.findUniqueOrThrow({ where: { id: runId }, include: { generation: true } });
    expect(r).toMatchObject({ status: 'succeeded', progress: 1 });
    expect(r.summary).toMatchObject({ texts: 3, promptTokens: 33, completionTokens: 21, realRowsSent: 4 });
    expect(stub.requests).toHaveLength(3);
    const first = stub.requests[0];
    expect(first?.authorization).toBe(`Bearer ${KEY}`);
    expect(first?.body).toMatchObject({ model: 'stub-7b', temperature: 0.7, seed: 40 });
    expect(first?.body.messages?.[0]?.content).toContain(
      'Write about sleep at score 5 (sleeps under three hours)',
    );
    expect(first?.body.messages?.[0]?.content).toContain('real interview');
    // score 6 has no real rows: no examples
    expect(stub.requests[2]?.body.messages?.[0]?.content).not.toContain('Examples');
    const texts = await prisma.synthText.findMany({
      where: { generationId: r.generation?.id },
      orderBy: { position: 'asc' },
    });
    expect(texts.map((t) => [t.item, t.target, t.status, t.seed])).toEqual([
      ['sleep', 5, 'pending', 40],
      ['sleep', 5, 'pending', 41],
      ['sleep', 6, 'pending', 42],
    ]);
    expect(texts[0]?.fewShotRowIds).toHaveLength(2);
    expect(texts.map((t) => t.reviewsWanted)).toEqual([2, 2, 2]);
    expect(texts[0]?.checks).toMatchObject({ nearDuplicateOfReal: true });
    expect(texts[2]?.checks).toMatchObject({ nearDuplicateOfReal: false, copiedFewShot: false });
    const sent = r.generation?.sentRows as { rowId: string; position: number; host: string }[];
    expect(sent).toHaveLength(4);
    expect(sent[0]?.host).toBe(`127.0.0.1:${stub.port}`);
    expect(r.generation?.diversity).toMatchObject({ diversity: expect.any(Number) });
  });

  it('retries 429 and 500 with backoff, then succeeds', async () => {
    const c = await connection();
    const runId = await launch(c.id, { plan: [{ item: null, score: 1, count: 1 }] });
    stub.queue.push({ status: 429, message: 'slow down' }, { status: 503, message: 'overloaded' });
    expect(await run(runId)).toMatchObject({ status: 'succeeded' });
    expect(stub.requests).toHaveLength(3);
    const logs = await prisma.runLog.findMany({ where: { runId }, orderBy: { ts: 'asc' } });
    expect(logs.map((l) => l.message).join('\n')).toMatch(/retry 1 .*429.*slow down[\s\S]*retry 2 .*503/);
    expect(await prisma.synthText.count({ where: { generation: { runId } } })).toBe(1);
  });

  it("fails a refused request with the endpoint's reason, without retrying", async () => {
    const c = await connection();
    const runId = await launch(c.id, { plan: [{ item: null, score: 1, count: 3 }] });
    stub.queue.push({ text: 'fine' }, { refusal: 'I cannot write clinical interviews' });
    await run(runId);
    const r = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(r.status).toBe('failed');
    expect(r.error).toContain('I cannot write clinical interviews');
    expect(stub.requests).toHaveLength(2);
    const runId2 = await launch(c.id, { plan: [{ item: null, score: 1, count: 1 }] });
    stub.queue.push({ status: 400, message: 'model "stub-7b" does not support seed' });
    await run(runId2);
    const r2 = await prisma.run.findUniqueOrThrow({ where: { id: runId2 } });
    expect(r2).toMatchObject({ status: 'failed' });
    expect(r2.error).toContain('400: model "stub-7b" does not support seed');
  });

  it('stops when cancelled mid-run, keeping the texts made so far', async () => {
    const c = await connection();
    const runId = await launch(c.id, { plan: [{ item: null, score: 5, count: 20 }] });
    stub.fallback = (_req, n) => {
      // Prisma queries are lazy: then() sends it.
      if (n === 3)
        prisma.run.update({ where: { id: runId }, data: { cancelRequested: true } }).then(() => undefined);
      return { text: `answer ${n} with its own words number ${n}`, delayMs: 30 };
    };
    await run(runId);
    stub.fallback = (_req, n) => ({ text: `Generated answer number ${n}` });
    const r = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(r.status).toBe('cancelled');
    const made = await prisma.synthText.count({ where: { generation: { runId } } });
    expect(made).toBeGreaterThanOrEqual(2);
    expect(made).toBeLessThan(20);
    expect(stub.requests.length).toBeLessThan(20);
  });

  it('keeps the key out of job payloads, logs, errors and rows, even when the endpoint echoes it', async () => {
    const c = await connection();
    const runId = await launch(c.id, { plan: [{ item: null, score: 1, count: 1 }] });
    stub.queue.push({ status: 401, message: `Incorrect API key provided: ${KEY}` });
    await run(runId);
    const r = await prisma.run.findUniqueOrThrow({
      where: { id: runId },
      include: { logs: true, generation: { include: { texts: true } } },
    });
    expect(r.status).toBe('failed');
    expect(r.error).toContain('[api key]');
    expect(JSON.stringify(r)).not.toContain(KEY);
    // The job payload carries the run id only; the row holds the key sealed, not in plain text.
    const stored = await prisma.connection.findUniqueOrThrow({ where: { id: c.id } });
    expect(stored.apiKeySealed).toMatch(/^tlk1\.[0-9a-f]{8}\./);
    expect(stored.apiKeySealed).not.toContain(KEY);
    expect(JSON.stringify(r)).not.toContain(stored.apiKeySealed as string);
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const keys = await redis.keys(`${env.prefix}:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) {
      const type = await redis.type(k);
      const dump =
        type === 'hash'
          ? JSON.stringify(await redis.hgetall(k))
          : type === 'string'
            ? await redis.get(k)
            : '';
      expect(dump ?? '').not.toContain(KEY);
      expect(dump ?? '').not.toContain(stored.apiKeySealed as string);
    }
    await redis.quit();
  });

  it('fails naming the connection (not the key) when the stored key was sealed with another secret key', async () => {
    const c = await connection(stub.baseUrl, false, 'hosted model');
    const { sealSecret, secretKeys } = await import('@tunelab/db');
    const other = secretKeys({
      ...process.env,
      TUNELAB_SECRET_KEY: 'another-installation-key-0123456789abcdef',
    });
    await prisma.connection.update({ where: { id: c.id }, data: { apiKeySealed: sealSecret(KEY, other) } });
    const runId = await launch(c.id, { plan: [{ item: null, score: 1, count: 1 }] });
    await run(runId);
    const r = await prisma.run.findUniqueOrThrow({ where: { id: runId }, include: { logs: true } });
    expect(r.status).toBe('failed');
    expect(r.error).toContain('connection "hosted model"');
    expect(r.error).toMatch(new RegExp(`sealed with another secret key \\(id ${other.current.id}\\)`));
    expect(r.error).not.toContain(KEY);
    expect(JSON.stringify(r)).not.toContain('another-installation-key');
    expect(stub.requests).toHaveLength(0);
  });

  it('seals keys stored in plain text before sealing, and re-seals those under a previous key', async () => {
    const { sealStoredKeys, secretKeys, openConnectionKey } = await import('@tunelab/db');
    const legacy = await prisma.connection.create({
      data: { name: 'legacy', baseUrl: stub.baseUrl, model: 'm', apiKeySealed: KEY },
    });
    const old = secretKeys({
      ...process.env,
      TUNELAB_SECRET_KEY: 'the-previous-key-of-this-installation-0001',
    });
    const rotated = await prisma.connection.create({
      data: {
        name: 'rotated',
        baseUrl: stub.baseUrl,
        model: 'm',
        apiKeySealed: (await import('@tunelab/db')).sealSecret(KEY, old),
      },
    });
    const withPrevious = secretKeys({
      ...process.env,
      TUNELAB_SECRET_KEYS_PREVIOUS: 'the-previous-key-of-this-installation-0001',
    });
    const counts = await sealStoredKeys(withPrevious);
    expect(counts.sealed).toBeGreaterThanOrEqual(1);
    expect(counts.resealed).toBeGreaterThanOrEqual(1);
    for (const id of [legacy.id, rotated.id]) {
      const row = await prisma.connection.findUniqueOrThrow({ where: { id } });
      expect(row.apiKeySealed?.startsWith(`tlk1.${secretKeys().current.id}.`)).toBe(true);
      // Opens with this installation's key alone.
      expect(openConnectionKey(row)).toBe(KEY);
    }
    expect(await sealStoredKeys()).toMatchObject({ sealed: 0, resealed: 0 });
  });

  it('enforces the privacy switch: real rows go to a non-loopback endpoint only when allowed', async () => {
    // 192.0.2.1 (TEST-NET-1) is never contacted: the refusal comes before any request.
    const outside = await connection('http://192.0.2.1:9/v1');
    const runId = await launch(outside.id, { plan: [{ item: null, score: 5, count: 1 }], fewShot: 1 });
    await run(runId);
    const r = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/outside this machine and may not receive real rows/);
    // Without few-shot examples no real row is sent, so the same connection may be used.
    const ip = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (!ip) return;
    const lan = await connection(`http://${ip}:${stub.port}/v1`);
    const refused = await launch(lan.id, { plan: [{ item: null, score: 5, count: 1 }], fewShot: 1 });
    await run(refused);
    expect((await prisma.run.findUniqueOrThrow({ where: { id: refused } })).status).toBe('failed');
    expect(stub.requests).toHaveLength(0);
    const allowed = await connection(`http://${ip}:${stub.port}/v1`, true);
    const ok = await launch(allowed.id, { plan: [{ item: null, score: 5, count: 1 }], fewShot: 1 });
    expect(await run(ok)).toMatchObject({ status: 'succeeded' });
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]?.body.messages?.[0]?.content).toContain('real interview');
    const g = await prisma.generation.findUniqueOrThrow({ where: { runId: ok } });
    expect((g.sentRows as { host: string }[])[0]?.host).toBe(`${ip}:${stub.port}`);
  });
});
