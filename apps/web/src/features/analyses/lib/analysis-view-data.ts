// Everything the analysis page shows, loaded in one place (the page only renders it).
import { readFile } from 'node:fs/promises';
import type { VectorsReport } from '@tunelab/core/vectors';
import { getArtifactStore, prisma } from '@tunelab/db';

/** Singular values per 2-D tensor from the full report in the artifact store (absent: none). */
export async function readSpectra(resultPath: string | null): Promise<Record<string, number[][]>> {
  if (!resultPath) return {};
  try {
    const full = JSON.parse(await readFile(getArtifactStore().resolve(resultPath), 'utf8')) as VectorsReport;
    const out: Record<string, number[][]> = {};
    for (const t of full.tensors) {
      if (t.changes.every((c) => c.singularValues))
        out[t.name] = t.changes.map((c) => c.singularValues ?? []);
    }
    return out;
  } catch {
    return {};
  }
}

export async function loadAnalysisView(id: string) {
  const analysis = await prisma.analysis.findUnique({ where: { id }, include: { run: true } });
  if (!analysis) return null;
  const models = await prisma.model.findMany({
    where: { id: { in: analysis.modelIds } },
    select: { id: true, name: true },
  });
  const names: Record<string, string> = Object.fromEntries(models.map((m) => [m.id, m.name]));
  const report = analysis.result as VectorsReport | null;
  const spectra = report ? await readSpectra(analysis.resultPath) : {};
  return { analysis, names, report, spectra };
}
