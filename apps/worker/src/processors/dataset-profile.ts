import { TRAIN_PARAM_DEFAULTS } from '@tunelab/core/dashboard';
import { computeProfile, type TDatasetProfile, type TProfileRow, tokenProfile } from '@tunelab/core/datasets';
import { JOB_NAMES, ZDatasetProfileJob } from '@tunelab/core/jobs';
import { loadTokenizerFromDir } from '@tunelab/core/tokenizer';
import { getArtifactStore, getPrisma } from '@tunelab/db';
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
      const tokens = await tokensAgainstMaxLength(datasetId, rows);
      await prisma.dataset.update({
        where: { id: datasetId },
        data: {
          stats: { ...profile, ...(tokens ? { tokens } : {}) },
          rowCount: rows.length,
          status: 'ready',
          error: null,
        },
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

/**
 * Tokens per text against the max length a run would truncate at (the run default, shortened to
 * the model's positions, as the launch form starts), with the tokenizer of the dataset's model: the
 * base model of its latest run, else the newest base model. Null when there is no model or its
 * tokenizer cannot be read (the rest of the profile does not depend on it).
 */
async function tokensAgainstMaxLength(
  datasetId: string,
  rows: readonly TProfileRow[],
): Promise<TDatasetProfile['tokens'] | null> {
  const prisma = getPrisma();
  const select = { name: true, artifactPath: true, config: true } as const;
  const model =
    (
      await prisma.run.findFirst({
        where: { datasetId, model: { archivedAt: null } },
        orderBy: { createdAt: 'desc' },
        select: { model: { select } },
      })
    )?.model ??
    (await prisma.model.findFirst({
      where: { kind: 'base', archivedAt: null },
      orderBy: { createdAt: 'desc' },
      select,
    }));
  if (!model) return null;
  try {
    const { tokenizer } = await loadTokenizerFromDir(getArtifactStore().resolve(model.artifactPath));
    const positions = (model.config as { max_position_embeddings?: unknown } | null)?.max_position_embeddings;
    const maxLength =
      typeof positions === 'number' && positions > 0
        ? Math.min(TRAIN_PARAM_DEFAULTS.maxLength, positions)
        : TRAIN_PARAM_DEFAULTS.maxLength;
    return tokenProfile(
      rows.map((r) => r.text),
      (t) => tokenizer.encode(t, Number.MAX_SAFE_INTEGER).ids.length,
      maxLength,
      model.name,
    );
  } catch {
    return null;
  }
}
