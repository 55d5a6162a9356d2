// Recipe search end to end: a search Run on the control queue queues its candidates as Runs on the
// compute queue (real Redis, real Postgres, sandboxed compute children), each merging tiny models
// and scoring them on the parents' datasets; the result lands on MergeSearch. Then a cancel.
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SearchResult } from '@tunelab/core/merge-search';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type THarness } from '../../test/harness.ts';
import { REPO_FIXTURES } from '../../test/processor-env.ts';
import type { TWorkerRuntime } from '../runtime.ts';

const FIXTURES = path.join(REPO_FIXTURES, 'merge');
let h: THarness;
let runtime: TWorkerRuntime;
let artifacts: string;

beforeAll(async () => {
  process.env.TUNELAB_BACKEND = 'cpu';
  process.env.TUNELAB_CANCEL_CHECK_MS = '0';
  artifacts = await mkdtemp(path.join(tmpdir(), 'tunelab-search-'));
  process.env.TUNELAB_ARTIFACTS_DIR = artifacts;
  h = await createHarness('worker_search');
  for (const m of ['base', 'tuned_a', 'tuned_b'])
    await cp(path.join(FIXTURES, m), path.join(artifacts, 'models', m), { recursive: true });
  const { startWorkerRuntime } = await import('../runtime.ts');
  runtime = await startWorkerRuntime({
    config: h.config({ computeConcurrency: 2 }),
    backend: 'cpu',
    log: { info: () => undefined, error: () => undefined },
  });
  await seed();
}, 120_000);

afterAll(async () => {
  const { closeProducer } = await import('@tunelab/jobs');
  await closeProducer();
  await runtime?.close();
  await h?.cleanup();
  await rm(artifacts, { recursive: true, force: true });
});

/** A base, two regression datasets with eval rows, and a fine-tune of the base on each. */
async function seed() {
  const config = JSON.parse(await readFile(path.join(FIXTURES, 'base/config.json'), 'utf8'));
  const model = (id: string, kind: 'base' | 'finetuned', parentRunId?: string) =>
    h.prisma.model.create({
      data: {
        id,
        name: id,
        kind,
        config,
        artifactPath: `models/${id}`,
        task: 'regression',
        numLabels: 1,
        parentRunId,
      },
    });
  await model('base', 'base');
  for (const [id, name] of [
    ['tuned_a', 'clinic'],
    ['tuned_b', 'forum'],
  ] as const) {
    const dataset = await h.prisma.dataset.create({
      data: {
        name,
        task: 'regression',
        labelMin: 0,
        labelMax: 6,
        textColumn: 'text',
        labelColumn: 'label',
        rowCount: 24,
        status: 'ready',
        rows: {
          create: Array.from({ length: 24 }, (_, i) => ({
            index: i,
            text: `${name} patient sleep mood ${i % 5} night ${i}`,
            label: (i * (name === 'clinic' ? 3 : 5)) % 7,
            split: i % 3 === 0 ? ('eval' as const) : ('train' as const),
          })),
        },
      },
    });
    const run = await h.prisma.run.create({
      data: { kind: 'train', status: 'succeeded', datasetId: dataset.id, modelId: 'base', params: {} },
    });
    await model(id, 'finetuned', run.id);
  }
}

async function launch(budget: number) {
  const { createQueuedRuns } = await import('@tunelab/jobs');
  const config = `base_model: base\nmodels: [{model: tuned_a}, {model: tuned_b}]\nmethods: [ties, task_arithmetic]\nbudget: ${budget}\npopulation: 2\nsubsample: 4\nrescore: 1\nseed: 3\n`;
  const [runId] = await createQueuedRuns([
    { kind: 'search', mergeSearch: { create: { config, name: 'search', baseModelId: 'base' } } },
  ]);
  return runId as string;
}

async function waitFor<T>(read: () => Promise<T | undefined | null | false>, ms = 90_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('search.run and search.candidate', () => {
  it('runs a search as candidate runs on the compute queue and stores the result', async () => {
    const runId = await launch(4);
    const run = await waitFor(async () => {
      const r = await h.prisma.run.findUniqueOrThrow({ where: { id: runId } });
      return ['succeeded', 'failed', 'cancelled'].includes(r.status) && r;
    });
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    const search = await h.prisma.mergeSearch.findUniqueOrThrow({
      where: { runId },
      include: { candidates: { include: { run: true } } },
    });
    // 3 models × 2 modes of baselines, 4 search candidates, 1 rescored: every one a succeeded Run.
    expect(search.candidates).toHaveLength(11);
    expect(
      search.candidates.every((c) => c.run.kind === 'search_candidate' && c.run.status === 'succeeded'),
    ).toBe(true);
    expect(search.candidates.filter((c) => c.phase === 'search').every((c) => c.mode === 'subsample')).toBe(
      true,
    );
    const result = search.result as unknown as SearchResult & { partial: boolean };
    expect(result.partial).toBe(false);
    expect(result.evaluations).toBe(4);
    expect(result.domains.map((d) => d.name)).toEqual(['clinic', 'forum']);
    const best = result.candidates[result.best];
    expect(best?.full?.scores).toHaveLength(2);
    // Scores are the parents' MAE on their datasets (0..6 labels): finite, in range.
    for (const c of result.candidates) for (const s of c.scores) expect(s >= 0 && s <= 6).toBe(true);
    expect(run.summary).toMatchObject({ evaluations: 4, best: result.best });
    // Scratch merges are gone.
    const left = await readdirSafe(path.join(artifacts, 'searches', search.id));
    expect(left).toEqual([]);
  }, 150_000);

  it('cancels a search and its open candidates', async () => {
    const runId = await launch(40);
    const search = await waitFor(() =>
      h.prisma.mergeSearch.findFirst({ where: { runId, candidates: { some: { phase: 'search' } } } }),
    );
    const { cancelRun } = await import('@tunelab/jobs');
    await cancelRun(runId);
    await waitFor(
      async () => (await h.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status === 'cancelled',
    );
    const open = await waitFor(async () => {
      const runs = await h.prisma.run.findMany({ where: { searchCandidate: { searchId: search.id } } });
      return runs.every((r) => ['succeeded', 'cancelled'].includes(r.status)) && runs;
    });
    expect(open.length).toBeLessThan(6 + 40);
  }, 150_000);
});

async function readdirSafe(dir: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  return readdir(dir).catch(() => []);
}
