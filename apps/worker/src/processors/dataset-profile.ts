import { computeProfile, type TProfileRow } from '@tunelab/core/datasets';
import { JOB_NAMES, ZDatasetProfileJob } from '@tunelab/core/jobs';
import { getPrisma } from '@tunelab/db';
import { UnrecoverableError } from 'bullmq';
import { defineProcessor } from './types.ts';

const PAGE = 10_000;

/** Computes the dataset's profile from its stored rows and marks it ready. */
export const datasetProfileProcessor = defineProcessor({
  name: JOB_NAMES.datasetProfile,
  schema: ZDatasetProfileJob,
  async handle({ datasetId }, { job, attempt }) {
    const prisma = getPrisma();
    const dataset = await prisma.dataset.findUnique({ where: { id: datasetId } });
    if (!dataset) throw new UnrecoverableError(`Dataset ${datasetId} does not exist`);
    await prisma.dataset.update({ where: { id: datasetId }, data: { status: 'profiling', error: null } });
    try {
      const rows: TProfileRow[] = [];
      // Keyset paging keeps memory of each query bounded on large datasets.
      let after = -1;
      for (;;) {
        const page = await prisma.datasetRow.findMany({
          where: { datasetId, index: { gt: after } },
          orderBy: { index: 'asc' },
          take: PAGE,
          select: { index: true, text: true, label: true, split: true, source: true },
        });
        rows.push(...page);
        if (page.length < PAGE) break;
        after = page[page.length - 1]?.index ?? after;
        await job.updateProgress(Math.min(0.9, rows.length / Math.max(dataset.rowCount, 1)));
      }
      const classes = Array.isArray(dataset.classes) ? dataset.classes.map(String) : null;
      const profile = computeProfile(rows, {
        task: dataset.task,
        classes,
        labelMin: dataset.labelMin,
        labelMax: dataset.labelMax,
      });
      await prisma.dataset.update({
        where: { id: datasetId },
        data: { stats: profile, rowCount: rows.length, status: 'ready', error: null },
      });
      return { rowCount: rows.length };
    } catch (error) {
      const final = error instanceof UnrecoverableError || attempt >= (job.opts.attempts ?? 1);
      const message = error instanceof Error ? error.message : String(error);
      await prisma.dataset.update({
        where: { id: datasetId },
        data: final ? { status: 'failed', error: `profile failed: ${message}` } : { status: 'pending' },
      });
      throw error;
    }
  },
});
