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
    const { makeSyntheticDataset } = await import('./lib/make-dataset.ts');
    const { exportDataset } = await import('../datasets/lib/export-dataset.ts');
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
    const exported = (await exportDataset(made.id, 'jsonl')).body;
    expect(exported).not.toContain(KEY);
    expect(exported).not.toContain(stored.apiKeySealed as string);
    const lines: {
      text: string;
      provenance: Record<string, unknown> & { origin: string; enteredBy: string };
    }[] = exported
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
    expect(((edited?.provenance.reviewers ?? []) as { reviewer: string }[]).map((r) => r.reviewer)).toEqual([
      'ana',
      'ben',
    ]);
    expect(edited?.provenance.prompt).toContain('Write about sleep at score 5: severe');
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

    // Provenance survives compose: every synthetic row of the composed dataset resolves to the
    // generation record of the synthetic row it was copied from.
    const { rowOrigins } = await import('@tunelab/db');
    const composedRows = await prisma.datasetRow.findMany({
      where: { datasetId: composed.id },
      orderBy: { index: 'asc' },
    });
    const synthRows = composedRows.filter((r) => r.source === 'synthetic');
    expect(synthRows).toHaveLength(3);
    const origins = await rowOrigins(composedRows);
    expect([...origins.keys()].sort()).toEqual(synthRows.map((r) => r.id).sort());
    const sourceRows = await prisma.datasetRow.findMany({ where: { datasetId: made.id } });
    for (const row of synthRows) {
      const origin = origins.get(row.id);
      const first = sourceRows.find((r) => r.id === row.originRowId);
      // the copy names the synthetic dataset's row, whose text and label it carries
      expect(first).toMatchObject({ text: row.text, label: row.label });
      expect(origin).toMatchObject({ datasetId: made.id, index: first?.index, originRowId: first?.id });
      const text = await prisma.synthText.findUniqueOrThrow({
        where: { id: origin?.provenance.textId as string },
        include: { generation: { select: { runId: true } } },
      });
      expect(origin?.provenance.runId).toBe(text.generation?.runId ?? null);
      expect(origin?.provenance.seed).toBe(text.seed);
    }
    // A copy of the copy still reaches the same record (the first row, not the intermediate).
    await until(
      () => prisma.dataset.findUniqueOrThrow({ where: { id: composed.id } }),
      (d) => d.status === 'ready',
      'the composed dataset profile',
    );
    const again = await composeDataset({
      name: 'composed again',
      sources: [
        { datasetId: composed.id, ratio: 0.9 },
        { datasetId: realId, ratio: 0.1 },
      ],
      seed: 2,
    });
    const againRows = await prisma.datasetRow.findMany({
      where: { datasetId: again.id, source: 'synthetic' },
    });
    expect(againRows.length).toBeGreaterThan(0);
    expect(againRows.every((r) => sourceRows.some((s) => s.id === r.originRowId))).toBe(true);

    // The export carries provenance columns for the composed dataset's synthetic rows.
    const { parse } = await import('csv-parse/sync');
    const csv: Record<string, string>[] = parse((await exportDataset(composed.id, 'csv')).body, {
      columns: true,
    });
    expect(csv).toHaveLength(composed.rowCount);
    expect(JSON.stringify(csv)).not.toContain(KEY);
    const csvSynth = csv.filter((r) => r.source === 'synthetic');
    expect(csvSynth.map((r) => r.origin_dataset_id)).toEqual([made.id, made.id, made.id]);
    expect(csvSynth.filter((r) => r.generation_run_id === runId)).toHaveLength(2);
    expect(csvSynth.find((r) => r.text_origin === 'manual')).toMatchObject({
      entered_by: 'ben',
      generation_run_id: '',
    });
    expect(csvSynth.find((r) => r.text === 'I sleep two hours at most.')).toMatchObject({
      model: 'stub-7b',
      connection: 'local',
      score_choice: 'consensus',
      score_used: '4',
      reviewers: 'ana:edit:5; ben:accept:3',
      edits: '1',
    });
    expect(
      csv.filter((r) => r.source === 'real').every((r) => r.model === '' && r.origin_row_id === ''),
    ).toBe(true);

    // The rows browser's API shows each synthetic row's generation record.
    const { GET_ROWS } = await import('../datasets/api/dataset-route.ts');
    const page = (await (
      await GET_ROWS(new Request(`http://x/api/datasets/${composed.id}/rows?pageSize=100`), {
        params: Promise.resolve({ id: composed.id }),
      })
    ).json()) as {
      rows: { source: string; provenance: { runId: string | null; model: string | null } | null }[];
    };
    expect(page.rows.filter((r) => r.provenance !== null)).toHaveLength(3);
    expect(
      page.rows.filter((r) => r.provenance?.runId === runId && r.provenance.model === 'stub-7b'),
    ).toHaveLength(2);

    // A run trained on the composed dataset reports how many training rows are synthetic and which
    // generation runs wrote them (the worker's train processor, on the tiny fixture model).
    const { cp } = await import('node:fs/promises');
    const path = await import('node:path');
    const { REPO_FIXTURES, runProcessorJob } = await import('../../../../worker/test/processor-env.ts');
    await cp(path.join(REPO_FIXTURES, 'tiny-bert'), path.join(env.artifacts, 'models', 'tiny'), {
      recursive: true,
    });
    const model = await prisma.model.create({
      data: { name: 'tiny-bert', kind: 'base', config: {}, tokenizer: {}, artifactPath: 'models/tiny' },
    });
    const trainRun = await prisma.run.create({
      data: {
        kind: 'train',
        datasetId: composed.id,
        modelId: model.id,
        params: { epochs: 1, batchSize: 8, maxLength: 16, lr: 1e-3 },
      },
    });
    const { trainProcessor } = await import('../../../../worker/src/processors/train.ts');
    expect(await runProcessorJob([trainProcessor], 'run.train', { runId: trainRun.id })).toMatchObject({
      status: 'succeeded',
    });
    const trained = await prisma.run.findUniqueOrThrow({ where: { id: trainRun.id } });
    const { ZRunSummary } = await import('@tunelab/core/dashboard');
    const summary = ZRunSummary.parse(trained.summary);
    const evaluation = await prisma.evaluation.findFirstOrThrow({ where: { runId: trainRun.id } });
    const evalIndexes = new Set((evaluation.predictions as { index: number }[]).map((p) => p.index));
    const trainedOn = composedRows.filter((r) => !evalIndexes.has(r.index));
    const manualRow = synthRows.find((r) => origins.get(r.id)?.provenance.origin === 'manual');
    const generatedTrained = trainedOn.filter((r) => r.source === 'synthetic' && r.id !== manualRow?.id);
    expect(summary.trainOrigins).toEqual({
      rows: trainedOn.length,
      real: trainedOn.filter((r) => r.source === 'real').length,
      synthetic: trainedOn.filter((r) => r.source === 'synthetic').length,
      generations:
        generatedTrained.length > 0
          ? [{ runId, model: 'stub-7b', connection: 'local', rows: generatedTrained.length }]
          : [],
      manual: trainedOn.some((r) => r.id === manualRow?.id) ? 1 : 0,
      untraced: 0,
    });
    expect(summary.trainOrigins?.rows).toBe(summary.trainRows);
  });
});
