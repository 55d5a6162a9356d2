// analysis.vectors: tuning-vector analysis of fine-tuned models against their base for the Analysis
// detail row of one Run (compute queue, sandboxed). The full report (with every singular value) goes
// to the artifact store; the row keeps the same report without the spectra, which is what the
// heatmaps need. The runtime (run-job.ts) owns the Run's status; this returns the summary.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '@tunelab/core/errors';
import { JOB_NAMES, ZAnalysisVectorsJob } from '@tunelab/core/jobs';
import { analyzeTuningVectors, type VectorsReport } from '@tunelab/core/vectors';
import { getArtifactStore, getPrisma, type Prisma } from '@tunelab/db';
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
  async handle({ runId }, ctx) {
    const prisma = getPrisma();
    const store = getArtifactStore();
    const analysis = await prisma.analysis.findUnique({ where: { runId } });
    // InputErrors (here and VectorsError, SafetensorsError from the core) are not retried.
    if (!analysis) throw new InputError(`run ${runId} has no analysis to run`);
    if (analysis.modelIds.length < 2)
      throw new InputError('a vectors analysis needs a base model and at least one tuned model');
    const params = ZVectorsParams.safeParse(analysis.params ?? {});
    if (!params.success)
      throw new InputError(`invalid analysis parameters: ${params.error.issues[0]?.message}`);
    const models = await prisma.model.findMany({ where: { id: { in: analysis.modelIds } } });
    const folders = analysis.modelIds.map((id) => {
      const model = models.find((m) => m.id === id);
      return model ? store.resolve(model.artifactPath) : null;
    });
    const missing = analysis.modelIds.filter((_, i) => folders[i] === null);
    if (missing.length > 0) throw new InputError(`models ${missing.join(', ')} do not exist`);

    const [base, ...tuned] = folders as string[];
    const baseName = models.find((m) => m.id === analysis.modelIds[0])?.name ?? analysis.modelIds[0];
    await ctx.log(`Comparing ${tuned.length} tuned models with base "${baseName}"`);
    const report = await analyzeTuningVectors(base as string, tuned, {
      ...params.data,
      // Name models by id rather than by folder in what the UI reads (and in messages).
      names: { base: analysis.modelIds[0] as string, tuned: analysis.modelIds.slice(1) },
      onProgress: ({ done, total }) => void ctx.progress(done / total),
      throwIfCancelled: ctx.throwIfCancelled,
    });
    const named: VectorsReport = report;
    const relative = analysisReportPath(analysis.id);
    await store.ensureDir(path.posix.dirname(relative));
    await writeFile(store.resolve(relative), JSON.stringify(named));
    await prisma.analysis.update({
      where: { id: analysis.id },
      data: {
        result: withoutSpectra(named) as unknown as Prisma.InputJsonValue,
        resultPath: relative,
      },
    });
    await ctx.log(`${report.tensors.length} tensors analysed; report at ${relative}`);
    return {
      runId,
      analysisId: analysis.id,
      tensors: report.tensors.length,
      summary: { tensors: report.tensors.length, skipped: report.skipped.length },
    };
  },
});
