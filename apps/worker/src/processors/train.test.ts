import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_FIXTURES, runProcessorJob, useProcessorTestEnv } from '../../test/processor-env.ts';
import { seedTrainRun } from '../../test/train-run-seed.ts';

const env = useProcessorTestEnv('worker_train', { tiny: path.join(REPO_FIXTURES, 'tiny-bert') });

async function processTrain(runId: string): Promise<unknown> {
  const { trainProcessor } = await import('./train.ts');
  return runProcessorJob([trainProcessor], 'run.train', { runId });
}

const seed = (params: Record<string, number | string>, cancel = false, rows = 40) =>
  seedTrainRun(env.prisma, env.artifacts, params, rows, { cancelRequested: cancel });

describe('run.train processor', () => {
  it('judges on real rows only and measures error reduction against a named reference model', async () => {
    const run = await seed({
      epochs: 1,
      batchSize: 8,
      maxLength: 16,
      lr: 1e-3,
      evalSource: 'real',
      referenceModelId: 'tiny',
    });
    await env.prisma
      .$executeRaw`UPDATE "DatasetRow" SET "source" = 'synthetic' WHERE "datasetId" = ${run.datasetId} AND "index" % 2 = 1`;
    expect(((await processTrain(run.id)) as { status: string }).status).toBe('succeeded');
    const { summary } = await env.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    const s = summary as {
      trainRows: number;
      evalRows: number;
      metrics: { mae: number; n: number };
      reference: { kind: string; metrics: { mae: number; n: number } };
      errorReduction: { mae: number };
      bySource: { real?: unknown; synthetic?: unknown };
    };
    // 40 rows, 20 % held out (8), of which only the real ones are scored; training keeps all 32
    expect(s.trainRows).toBe(32);
    expect(s.evalRows).toBeGreaterThan(0);
    expect(s.evalRows).toBeLessThan(8);
    expect(s.metrics.n).toBe(s.evalRows);
    expect(s.bySource.synthetic).toBeUndefined();
    expect(s.reference.kind).toBe('model "tiny-bert" (its own head)');
    expect(s.reference.metrics.n).toBe(s.evalRows);
    expect(s.errorReduction.mae).toBeCloseTo(1 - s.metrics.mae / s.reference.metrics.mae, 10);
  });

  it('cross-validation: scores fold i, trains on the others; the model keeps the dataset range', async () => {
    const run = await seed({ epochs: 1, batchSize: 8, maxLength: 16, lr: 1e-3, fold: 1 }, false, 24);
    await env.prisma
      .$executeRaw`UPDATE "DatasetRow" SET "fold" = "index" % 3 WHERE "datasetId" = ${run.datasetId}`;
    expect(((await processTrain(run.id)) as { status: string }).status).toBe('succeeded');
    const after = await env.prisma.run.findUniqueOrThrow({
      where: { id: run.id },
      include: { resultModel: true },
    });
    const summary = after.summary as {
      trainRows: number;
      evalRows: number;
      bySource: { real: { n: number } };
    };
    expect([summary.trainRows, summary.evalRows]).toEqual([16, 8]);
    expect(summary.bySource.real.n).toBe(8);
    const ev = await env.prisma.evaluation.findFirstOrThrow({ where: { runId: run.id } });
    const indices = (ev.predictions as { index: number }[]).map((p) => p.index);
    expect(indices.every((i) => i % 3 === 1)).toBe(true);
    expect((after.resultModel?.config ?? {}) as Record<string, unknown>).toMatchObject({
      tunelab_label_range: [-2, 2],
    });
  });
  it('fine-tunes, writes curves, stores the result model, predictions and summary', async () => {
    const run = await seed({ epochs: 2, batchSize: 8, maxLength: 16, lr: 1e-3, evalFraction: 0.25 });
    const out = (await processTrain(run.id)) as { status: string };
    expect(out.status).toBe('succeeded');
    const after = await env.prisma.run.findUniqueOrThrow({
      where: { id: run.id },
      include: { resultModel: true },
    });
    expect(after.status).toBe('succeeded');
    expect(after.progress).toBe(1);
    expect(after.resultModel?.kind).toBe('finetuned');
    expect(after.resultModel?.baseModelId).toBe('tiny');
    const summary = after.summary as {
      metrics: { mae: number };
      errorReduction: { mae: number | null };
      trainRows: number;
    };
    expect(summary.trainRows).toBe(30);
    expect(summary.metrics.mae).toBeGreaterThan(0);
    expect(summary.errorReduction.mae).not.toBeNull();
    // 30 rows / batch 8 = 4 steps per epoch, 2 epochs
    expect(await env.prisma.metric.count({ where: { runId: run.id, name: 'loss', split: 'train' } })).toBe(8);
    expect(await env.prisma.metric.count({ where: { runId: run.id, name: 'mae', split: 'eval' } })).toBe(2);
    const ev = await env.prisma.evaluation.findFirstOrThrow({ where: { runId: run.id } });
    expect((ev.predictions as unknown[]).length).toBe(10);

    // retrying a succeeded run changes nothing (idempotent)
    await processTrain(run.id);
    expect(await env.prisma.metric.count({ where: { runId: run.id, name: 'loss' } })).toBe(8);
  }, 300_000);

  it('stops a run whose cancellation was requested', async () => {
    const run = await seed({ epochs: 1, batchSize: 8, maxLength: 16 }, true);
    expect(await processTrain(run.id)).toEqual({ cancelled: true });
    expect((await env.prisma.run.findUniqueOrThrow({ where: { id: run.id } })).status).toBe('cancelled');
  }, 120_000);

  it('resumes a cancelled run from its last epoch checkpoint when retried', async () => {
    const run = await seed(
      { epochs: 8, batchSize: 10, maxLength: 16, lr: 1e-3, evalFraction: 0.2 },
      false,
      125,
    );
    // Deterministic cancel right after epoch 1: a trigger sets the flag when the first eval point
    // lands (the checkpoint is saved just before), and the flag is read before every step.
    await env.prisma.$executeRawUnsafe(`
      CREATE OR REPLACE FUNCTION cancel_after_first_epoch() RETURNS trigger AS $$
      BEGIN
        UPDATE "Run" SET "cancelRequested" = true WHERE id = NEW."runId";
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await env.prisma.$executeRawUnsafe(`
      CREATE TRIGGER cancel_after_first_epoch AFTER INSERT ON "Metric" FOR EACH ROW
      WHEN (NEW.name = 'mae' AND NEW.split = 'eval' AND NEW."runId" = '${run.id}')
      EXECUTE FUNCTION cancel_after_first_epoch()`);
    process.env.TUNELAB_CANCEL_CHECK_MS = '0';
    const first = processTrain(run.id);
    expect(await first).toEqual({ cancelled: true });
    const cancelled = await env.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(cancelled.status).toBe('cancelled');
    expect(await env.prisma.metric.count({ where: { runId: run.id, name: 'mae', split: 'eval' } })).toBe(1);
    await env.prisma.$executeRawUnsafe('DROP TRIGGER cancel_after_first_epoch ON "Metric"');
    delete process.env.TUNELAB_CANCEL_CHECK_MS;

    await env.prisma.run.update({
      where: { id: run.id },
      data: { status: 'queued', cancelRequested: false, finishedAt: null },
    });
    expect(((await processTrain(run.id)) as { status: string }).status).toBe('succeeded');
    const logs = await env.prisma.runLog.findMany({ where: { runId: run.id }, orderBy: { ts: 'asc' } });
    expect(logs.some((l) => /Resuming from the checkpoint after epoch 1 \(step 10\)/.test(l.message))).toBe(
      true,
    );
    // 100 train rows / batch 10 = 10 steps per epoch; each step stored once across both attempts
    expect(await env.prisma.metric.count({ where: { runId: run.id, name: 'loss', split: 'train' } })).toBe(
      80,
    );
    expect(await env.prisma.metric.count({ where: { runId: run.id, name: 'mae', split: 'eval' } })).toBe(8);
  }, 300_000);

  it('trains a classification head with a fresh label space and scores it against the majority class', async () => {
    const base = await seed({ epochs: 1, batchSize: 8, maxLength: 16, evalFraction: 0.25 });
    const cls = await env.prisma.dataset.create({
      data: {
        name: 'toy-cls',
        task: 'classification',
        classes: ['neg', 'neu', 'pos'],
        textColumn: 'text',
        labelColumn: 'label',
        rowCount: 36,
        status: 'ready',
        rows: {
          create: Array.from({ length: 36 }, (_, i) => ({
            index: i,
            text: `word${i % 3} item`,
            label: i % 3,
            split: 'train' as const,
          })),
        },
      },
    });
    const run = await env.prisma.run.create({
      data: {
        kind: 'train',
        datasetId: cls.id,
        modelId: base.modelId,
        params: { epochs: 2, batchSize: 9, maxLength: 8, lr: 1e-3 },
      },
    });
    expect(((await processTrain(run.id)) as { status: string }).status).toBe('succeeded');
    const after = await env.prisma.run.findUniqueOrThrow({
      where: { id: run.id },
      include: { resultModel: true },
    });
    expect(after.resultModel?.task).toBe('classification');
    expect(after.resultModel?.numLabels).toBe(3);
    const summary = after.summary as {
      metrics: { accuracy: number; macroF1: number };
      reference: { kind: string };
    };
    expect(summary.reference.kind).toMatch(/majority class/);
    expect(summary.metrics.accuracy).toBeGreaterThanOrEqual(0);
    expect(await env.prisma.metric.count({ where: { runId: run.id, name: 'macro_f1', split: 'eval' } })).toBe(
      2,
    );
  }, 300_000);
});
