// analysis.vectors: tuning-vector analysis of fine-tuned models against their base for one Analysis
// row (compute queue, sandboxed). The full report (with every singular value) goes to the artifact
// store; the row keeps the same report without the spectra, which is what the heatmaps need.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { JOB_NAMES, ZAnalysisVectorsJob } from '@tunelab/core/jobs';
import { analyzeTuningVectors, type VectorsReport } from '@tunelab/core/vectors';
import { getArtifactStore, getPrisma, type Prisma } from '@tunelab/db';
import { UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { defineProcessor } from './types.ts';

/** Analysis.params for kind "vectors". */
export const ZVectorsParams = z
  .object({
    threshold: z.number().positive().max(1).default(1e-3),
    energyShare: z.number().positive().max(1).default(0.9),
    spectra: z.boolean().default(true),
  })
  .strip();

/** Where the full report of an analysis is stored, relative to the artifact store. */
export function analysisReportPath(analysisId: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(analysisId)) throw new Error(`Invalid analysis id "${analysisId}"`);
  return path.posix.join('analyses', analysisId, 'vectors.json');
}

/** The report without singular values (kept in the database row). */
export function withoutSpectra(report: VectorsReport): VectorsReport {
  return {
    ...report,
    tensors: report.tensors.map((t) => ({
      ...t,
      changes: t.changes.map(({ singularValues: _dropped, ...rest }) => rest),
    })),
  };
}

export const vectorsProcessor = defineProcessor({
  name: JOB_NAMES.analysisVectors,
  schema: ZAnalysisVectorsJob,
  async handle({ analysisId }, { job }) {
    const prisma = getPrisma();
    const store = getArtifactStore();
    const analysis = await prisma.analysis.findUnique({ where: { id: analysisId } });
    if (!analysis) throw new UnrecoverableError(`Analysis ${analysisId} does not exist`);
    if (analysis.status === 'succeeded') return { analysisId, status: 'succeeded' };
    const fail = async (message: string) => {
      await prisma.analysis.update({
        where: { id: analysisId },
        data: { status: 'failed', error: message, finishedAt: new Date() },
      });
      return new UnrecoverableError(message);
    };
    if (analysis.modelIds.length < 2)
      throw await fail('a vectors analysis needs a base model and at least one tuned model');
    const params = ZVectorsParams.safeParse(analysis.params ?? {});
    if (!params.success) throw await fail(`invalid analysis parameters: ${params.error.issues[0]?.message}`);
    const models = await prisma.model.findMany({ where: { id: { in: analysis.modelIds } } });
    const folders = analysis.modelIds.map((id) => {
      const model = models.find((m) => m.id === id);
      return model ? store.resolve(model.artifactPath) : null;
    });
    const missing = analysis.modelIds.filter((_, i) => folders[i] === null);
    if (missing.length > 0) throw await fail(`models ${missing.join(', ')} do not exist`);

    await prisma.analysis.update({ where: { id: analysisId }, data: { status: 'running', error: null } });
    try {
      const [base, ...tuned] = folders as string[];
      // Name models by id rather than by folder in what the UI reads (and in messages).
      const report = await analyzeTuningVectors(base as string, tuned, {
        ...params.data,
        names: { base: analysis.modelIds[0] as string, tuned: analysis.modelIds.slice(1) },
        onProgress: ({ done, total }) => {
          if (done === total || done % 8 === 0) void job.updateProgress(done / total);
        },
      });
      const relative = analysisReportPath(analysisId);
      await store.ensureDir(path.posix.dirname(relative));
      await writeFile(store.resolve(relative), JSON.stringify(report));
      await prisma.analysis.update({
        where: { id: analysisId },
        data: {
          status: 'succeeded',
          result: withoutSpectra(report) as unknown as Prisma.InputJsonValue,
          resultPath: relative,
          finishedAt: new Date(),
        },
      });
      return { analysisId, status: 'succeeded', tensors: report.tensors.length };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await prisma.analysis.update({
        where: { id: analysisId },
        data: { status: 'failed', error: message, finishedAt: new Date() },
      });
      throw /missing|shape|not in this file|cannot read|ENOENT/.test(message)
        ? new UnrecoverableError(message)
        : error;
    }
  },
});
