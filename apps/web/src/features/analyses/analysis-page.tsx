import { readFile } from 'node:fs/promises';
import type { VectorsReport } from '@tunelab/core/vectors';
import { getArtifactStore, prisma } from '@tunelab/db';
import { notFound } from 'next/navigation';
import { StatusBadge } from '../runs/components/status-badge.tsx';
import { AnalysisView } from './components/analysis-view.tsx';

/** Singular values per 2-D tensor from the full report in the artifact store (absent: none). */
async function readSpectra(resultPath: string | null): Promise<Record<string, number[][]>> {
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

/** /analyses/[id]: heatmap, spectra and similarity of one tuning-vector analysis. */
export async function AnalysisPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const analysis = await prisma.analysis.findUnique({ where: { id } });
  if (!analysis) notFound();
  const models = await prisma.model.findMany({
    where: { id: { in: analysis.modelIds } },
    select: { id: true, name: true },
  });
  const names = Object.fromEntries(models.map((m) => [m.id, m.name]));
  const report = analysis.result as VectorsReport | null;
  return (
    <>
      <div className="page-head">
        <h1>Tuning vectors against {names[analysis.modelIds[0] ?? ''] ?? analysis.modelIds[0]}</h1>
        <StatusBadge status={analysis.status} />
      </div>
      {analysis.error && <div className="error-box">{analysis.error}</div>}
      {report ? (
        <AnalysisView report={report} names={names} spectra={await readSpectra(analysis.resultPath)} />
      ) : (
        <div className="empty">
          {analysis.status === 'failed'
            ? 'The analysis failed.'
            : 'The analysis is queued or running; reload in a moment.'}
        </div>
      )}
    </>
  );
}
