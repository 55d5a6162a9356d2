// Integration: real PostgreSQL, Redis and worker, and a small OpenAI-compatible server on
// loopback. Connection → test → generation run → review (two reviewers, one edit, double review)
// → agreement → synthetic dataset with provenance → composed with the real dataset.
import { startOpenAiStub, type TOpenAiStub } from '@tunelab/core/llm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebTestEnv, destroyWebTestEnv, type TWebTestEnv } from '../../../test/web-test-env.ts';

const KEY = 'sk-flow-KEY-9f8e7d6c5b4a';

let env: TWebTestEnv;
let prisma: TWebTestEnv['prisma'];
let stub: TOpenAiStub;
let realId: string;

beforeAll(async () => {
  env = await createWebTestEnv('synth', { computeProcessorFile: null });
  ({ prisma } = env);
  stub = await startOpenAiStub();
  stub.fallback = (req, n) => ({
    text: `Answer ${n}: ${req.body.messages?.at(-1)?.content?.includes('score 6') ? 'I have not slept in days' : 'I barely sleep, maybe two hours'} and mornings are the worst part ${n}`,
  });
  const real = await prisma.dataset.create({
    data: {
      name: 'interviews',
      task: 'regression',
      labelMin: 0,
      labelMax: 6,
      tolerance: 1,
      textColumn: 'text',
      labelColumn: 'label',
      rowCount: 12,
      status: 'ready',
      rows: {
        create: Array.from({ length: 12 }, (_, i) => ({
          index: i,
          text: `real note ${i}: sleep is ${i % 3 === 0 ? 'fine' : 'patchy'} on day ${i}`,
          label: i % 3,
          split: 'train' as const,
        })),
      },
    },
  });
  realId = real.id;
}, 120_000);

afterAll(async () => {
  await stub?.close();
  await destroyWebTestEnv(env);
});

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('synthetic data flow', () => {
  it('generates, reviews, measures agreement and makes a traceable dataset that composes', async () => {
    const { saveConnection, testConnection } = await import('./lib/connections.ts');
    const { launchGeneration } = await import('./lib/launch-generation.ts');
    const { loadQueue, submitReview, requestAnotherReview, addManualText } = await import('./lib/review.ts');
    const { makeSyntheticDataset, exportProvenance } = await import('./lib/make-dataset.ts');
    const { listConnections, addUser } = await import('@tunelab/db');
    const ana = await addUser('ana', 'ana-password-1');
    const ben = await addUser('ben', 'ben-password-1');

    const connection = await saveConnection({
      name: 'local',
      baseUrl: stub.baseUrl,
      model: 'stub-7b',
      apiKey: KEY,
    });
    expect(connection).not.toHaveProperty('apiKey');
    expect(JSON.stringify(await listConnections())).not.toContain(KEY);
    // Sealed at rest: the row holds neither the key nor a piece of it.
    const stored = await prisma.connection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(stored.apiKeySealed).toMatch(/^tlk1\./);
    expect(JSON.stringify(stored)).not.toContain(KEY.slice(3, 15));
    const tested = await testConnection(connection.id);
    expect(tested).toMatchObject({ ok: true, model: 'stub-7b', loopback: true });

    // The privacy switch: few-shot rows never go to an endpoint outside this machine unless allowed.
    const outside = await saveConnection({
      name: 'hosted',
      baseUrl: 'http://192.0.2.1:9/v1',
      model: 'm',
      apiKey: KEY,
    });
    await expect(
      launchGeneration({
        datasetId: realId,
        connectionId: outside.id,
        spec: { plan: [{ score: 5, count: 1 }], template: 'x {{score}}', fewShot: 1 },
      }),
    ).rejects.toThrow(/outside this machine and may not receive real rows/);
    expect(await prisma.run.count({ where: { kind: 'generate' } })).toBe(0);

    const runId = await launchGeneration({
      datasetId: realId,
      connectionId: connection.id,
      spec: {
        plan: [
          { item: 'sleep', score: 5, count: 2 },
          { item: 'sleep', score: 6, count: 1 },
        ],
        template: 'Write about {{item}} at score {{score}}: {{scale}}',
        scale: { '5': 'severe', '6': 'extreme' },
        fewShot: 1,
        seed: 3,
      },
    });
    const run = await until(
      () => prisma.run.findUniqueOrThrow({ where: { id: runId } }),
      (r) => r.status === 'succeeded' || r.status === 'failed',
      'the generation run',
    );
    expect(run).toMatchObject({ status: 'succeeded', kind: 'generate', error: null });

    let queue = await loadQueue(realId);
    expect(queue.texts).toHaveLength(3);
    expect(queue.counts).toEqual({ pending: 3, accepted: 0, rejected: 0 });
    const [a, b, c] = queue.texts;
    // Double review of the first text; ana edits it.
    await requestAnotherReview(a?.id as string);
    await submitReview(ana, {
      textId: a?.id,
      decision: 'edit',
      score: 5,
      editedText: 'I sleep two hours at most.',
      blind: true,
    });
    expect((await loadQueue(realId)).counts.pending).toBe(3);
    await submitReview(ben, { textId: a?.id, decision: 'accept', score: 3 });
    await submitReview(ana, { textId: b?.id, decision: 'accept', score: 6 });
    await submitReview(ana, { textId: c?.id, decision: 'reject', score: null });
    await expect(submitReview(ana, { textId: b?.id, decision: 'accept', score: 9 })).rejects.toThrow(
      /outside the scale/,
    );
    await expect(submitReview(ana, { textId: b?.id, decision: 'edit', score: 5 })).rejects.toThrow(
      /edited text/,
    );
    const manual = await addManualText(ben, {
      datasetId: realId,
      item: 'sleep',
      target: 6,
      text: 'Written by hand: no sleep at all.',
    });
    await submitReview(ana, { textId: manual, decision: 'accept', score: 6 });

    queue = await loadQueue(realId);
    expect(queue.counts).toEqual({ pending: 0, accepted: 3, rejected: 1 });
    // ana 5 vs ben 3 on the same text: spread 2 > tolerance 1
    expect(queue.disagreements.map((t) => t.id)).toEqual([a?.id]);
    const anaTarget = queue.agreement.find((r) => r.a === 'target' && r.b === 'ana' && r.item === null);
    // ana: targets 5, 5(b is score 5 or 6 target), 6 → her scores 5, 6, 6
    expect(anaTarget?.n).toBe(3);
    expect(anaTarget?.kappa.kappa).not.toBeNull();
    expect(anaTarget?.icc.icc).not.toBeNull();

    const made = await makeSyntheticDataset({
      datasetId: realId,
      name: 'sleep synthetic',
      score: 'consensus',
    });
    expect(made.rowCount).toBe(3);
    const synth = await until(
      () => prisma.dataset.findUniqueOrThrow({ where: { id: made.id } }),
      (d) => d.status === 'ready' || d.status === 'failed',
      'the synthetic dataset profile',
    );
    expect(synth).toMatchObject({ status: 'ready', origin: 'synthetic' });
    const exported = await exportProvenance(made.id);
    expect(exported).not.toContain(KEY);
    expect(exported).not.toContain(stored.apiKeySealed as string);
    const lines = exported
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const edited = lines.find((l) => l.provenance.textId === a?.id);
    expect(edited).toMatchObject({
      text: 'I sleep two hours at most.',
      label: 4,
      source: 'synthetic',
      provenance: {
        model: 'stub-7b',
        runId,
        seed: expect.any(Number),
        scoreChoice: 'consensus',
        scoreUsed: 4,
        edits: [{ reviewer: 'ana', text: 'I sleep two hours at most.' }],
        connection: { name: 'local' },
      },
    });
    expect(edited.provenance.reviewers.map((r: { reviewer: string }) => r.reviewer)).toEqual(['ana', 'ben']);
    expect(edited.provenance.prompt).toContain('Write about sleep at score 5: severe');
    expect(lines.find((l) => l.provenance.origin === 'manual')?.provenance.enteredBy).toBe('ben');

    const { composeDataset } = await import('../datasets/lib/compose-datasets.ts');
    const composed = await composeDataset({
      name: 'real + synthetic',
      sources: [
        { datasetId: realId, ratio: 0.8 },
        { datasetId: made.id, ratio: 0.2 },
      ],
      seed: 1,
    });
    expect(composed.rowCount).toBeGreaterThan(3);
    const bySource = await prisma.datasetRow.groupBy({
      by: ['source'],
      where: { datasetId: composed.id },
      _count: true,
    });
    expect(bySource.map((s) => s.source).sort()).toEqual(['real', 'synthetic']);
  });
});
