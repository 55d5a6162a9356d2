// analysis.vectors: tuning-vector analysis of fine-tuned models against their base for the Analysis
// detail row of one Run (compute queue, sandboxed). The full report (with every singular value) goes
// to the artifact store; the row keeps the same report without the spectra, which is what the
// heatmaps need. With a dataset in the params, the models also run on a sample of its rows for the
// per-layer CKA (report.activations). The runtime (run-job.ts) owns the Run's status; this returns the summary.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '@tunelab/core/errors';
import { JOB_NAMES, ZAnalysisVectorsJob } from '@tunelab/core/jobs';
import {
  analyzeActivations,
  analyzeTuningVectors,
  spreadSample,
  type VectorsReport,
  ZVectorsParams,
} from '@tunelab/core/vectors';
import { getArtifactStore, getPrisma, loadDatasetRows, type Prisma } from '@tunelab/db';
import { defineProcessor } from './types.ts';

export { ZVectorsParams };

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

/** The texts of up to `count` rows of a dataset, spread over its eval split (all rows without one). */
async function sampleTexts(datasetId: string, count: number): Promise<string[]> {
  const dataset = await getPrisma().dataset.findUnique({ where: { id: datasetId }, select: { name: true } });
  if (!dataset) throw new InputError(`dataset ${datasetId} does not exist`);
  const evalRows = await loadDatasetRows(datasetId, { splits: ['eval'] });
  const rows = evalRows.length >= 2 ? evalRows : await loadDatasetRows(datasetId);
  if (rows.length < 2)
    throw new InputError(`dataset "${dataset.name}" has fewer than two rows to compare on`);
  return spreadSample(rows, count).map((r) => r.text);
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

    const { datasetId, sampleRows, maxLength, ...vectorOptions } = params.data;
    const texts = datasetId ? await sampleTexts(datasetId, sampleRows) : null;
    const [base, ...tuned] = folders as string[];
    // Name models by id rather than by folder in what the UI reads (and in messages).
    const names = { base: analysis.modelIds[0] as string, tuned: analysis.modelIds.slice(1) };
    const share = texts ? 0.7 : 1;
    const baseName = models.find((m) => m.id === analysis.modelIds[0])?.name ?? analysis.modelIds[0];
    await ctx.log(`Comparing ${tuned.length} tuned models with base "${baseName}"`);
    const report = await analyzeTuningVectors(base as string, tuned, {
      ...vectorOptions,
      names,
      onProgress: ({ done, total }) => void ctx.progress((share * done) / total),
      throwIfCancelled: ctx.throwIfCancelled,
    });
    const named: VectorsReport = report;
    if (texts) {
      const { initBackend } = await import('@tunelab/core/backend');
      const backend = await initBackend();
      await ctx.log(
        `Running ${tuned.length + 1} models on ${texts.length} rows for CKA (backend ${backend})`,
      );
      named.activations = await analyzeActivations(base as string, tuned, texts, {
        maxLength,
        names,
        onProgress: ({ done, total }) => void ctx.progress(share + ((1 - share) * done) / total),
        throwIfCancelled: ctx.throwIfCancelled,
      });
    }
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
