import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_FIXTURES, runProcessorJob, useProcessorTestEnv } from '../../test/processor-env.ts';

const env = useProcessorTestEnv('worker_evaluate', { tiny: path.join(REPO_FIXTURES, 'tiny-bert') });

async function runJob(runId: string) {
  const { evaluateProcessor } = await import('./evaluate.ts');
  return runProcessorJob([evaluateProcessor], 'run.evaluate', { runId }).catch((e: Error) => e);
}

describe('run.evaluate processor', () => {
  it('scores a regression checkpoint on the eval split with predictions and a reference', async () => {
    const model = await env.prisma.model.create({
      data: {
        name: 'tiny',
        kind: 'base',
        task: 'regression',
        numLabels: 1,
        config: {},
        artifactPath: 'models/tiny',
      },
    });
    const dataset = await env.prisma.dataset.create({
      data: {
        name: 'toy',
        task: 'regression',
        labelMin: 0,
        labelMax: 4,
        textColumn: 't',
        labelColumn: 'l',
        status: 'ready',
        rows: {
          create: Array.from({ length: 12 }, (_, i) => ({
            index: i,
            text: `some text ${i}`,
            label: i % 5,
            split: i < 8 ? ('train' as const) : ('eval' as const),
            source: i >= 10 ? ('synthetic' as const) : ('real' as const),
          })),
        },
      },
    });
    const run = await env.prisma.run.create({
      data: { kind: 'evaluate', modelId: model.id, datasetId: dataset.id, params: {} },
    });
    await runJob(run.id);
    const after = await env.prisma.run.findUniqueOrThrow({ where: { id: run.id } });
    expect(after.status).toBe('succeeded');
    type M = { mae: number; n: number };
    const summary = after.summary as {
      evalRows: number;
      metrics: M;
      reference: { kind: string };
      bySource: { real: M; synthetic: M };
    };
    expect(summary.evalRows).toBe(4);
    expect(summary.metrics.mae).toBeGreaterThan(0);
    expect(summary.reference.kind).toMatch(/mean of train labels/);
    // eval rows 8, 9 are real and 10, 11 synthetic: two equal halves average to the whole
    expect(summary.bySource.real.n).toBe(2);
    expect(summary.bySource.synthetic.n).toBe(2);
    expect((summary.bySource.real.mae + summary.bySource.synthetic.mae) / 2).toBeCloseTo(
      summary.metrics.mae,
      6,
    );
    const ev = await env.prisma.evaluation.findFirstOrThrow({ where: { runId: run.id } });
    expect((ev.predictions as unknown[]).length).toBe(4);
    expect((ev.metrics as { bySource: { synthetic: M } }).bySource.synthetic.n).toBe(2);

    // a head of the other task is refused with the reason
    const cls = await env.prisma.dataset.create({
      data: { name: 'cls', task: 'classification', textColumn: 't', labelColumn: 'l', status: 'ready' },
    });
    const bad = await env.prisma.run.create({
      data: { kind: 'evaluate', modelId: model.id, datasetId: cls.id, params: {} },
    });
    const err = await runJob(bad.id);
    expect(String(err)).toMatch(/regression head but dataset "cls" is classification/);
    expect((await env.prisma.run.findUniqueOrThrow({ where: { id: bad.id } })).status).toBe('failed');
  }, 300_000);
});
