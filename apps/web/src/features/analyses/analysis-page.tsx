import { notFound } from 'next/navigation';
import { StatusBadge } from '../../common/components/status-badge.tsx';
import { ItemActions } from '../housekeeping/item-actions.tsx';
import { RunLifecycle } from '../runs/components/run-lifecycle.tsx';
import { AnalysisView } from './components/analysis-view.tsx';
import { loadAnalysisView } from './lib/analysis-view-data.ts';

/** /analyses/[id]: heatmap, spectra and similarity of one tuning-vector analysis. */
export async function AnalysisPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const view = await loadAnalysisView(id);
  if (!view) notFound();
  const { analysis, names, report, spectra } = view;
  return (
    <>
      <div className="page-head">
        <h1>Tuning vectors against {names[analysis.modelIds[0] ?? ''] ?? analysis.modelIds[0]}</h1>
        <StatusBadge status={analysis.run.status} />
      </div>
      <ItemActions
        kind="analysis"
        id={analysis.id}
        name={analysis.name ?? `analysis ${analysis.id.slice(-8)}`}
        archived={analysis.archivedAt !== null}
        listHref="/analyses"
      />
      <RunLifecycle runId={analysis.runId} />
      {report ? (
        <AnalysisView report={report} names={names} spectra={spectra} />
      ) : (
        <div className="empty">
          {analysis.run.status === 'failed'
            ? 'The analysis failed.'
            : analysis.run.status === 'cancelled'
              ? 'The analysis was cancelled.'
              : 'The analysis is queued or running; its report appears here when it is done.'}
        </div>
      )}
    </>
  );
}
