// The tuning-vector atlas next to a merge's results: the latest finished analysis of the same base
// and parents (conflict, TIES interference, CKA per layer), each parent's share that TIES trims or
// overrules, and what the merge lost on that parent's own dataset — does conflict predict the loss?
import type { VectorsReport } from '@tunelab/core/vectors';
import { prisma } from '@tunelab/db';
import { sameParents } from './merge-scores.ts';
import type { TScoredModel } from './merge-view.ts';
import { lowerIsBetter } from './pareto.ts';

export interface TAtlasParent {
  modelId: string;
  label: string;
  /** The dataset the parent was fine-tuned on (its domain), when known and scored. */
  datasetId: string | null;
  datasetName: string | null;
  tiesTrimmed: number | null;
  tiesOverruled: number | null;
  inBaseSubspace: number | null;
  /** CKA of the base and this parent at the last layer. */
  lastLayerCka: number | null;
  /** metric on its own dataset: the parent's, the merge's, and how much worse the merge is (≥ 0 = loss). */
  parentScore: number | null;
  mergedScore: number | null;
  loss: number | null;
}

export interface TMergeAtlas {
  analysis: { id: string; status: string } | null;
  report: VectorsReport | null;
  metric: string | null;
  parents: TAtlasParent[];
  /** What the "Analyse" button launches when there is no analysis yet. */
  launch: { baseModelId: string; tunedModelIds: string[]; tiesDensity: number; datasetId?: string };
}

interface TMergeFacts {
  baseModelId: string | null;
  parents: { modelId: string; params: unknown; model: { name: string } }[];
}

/** Null for merges without a base (no tuning vectors). */
export async function loadMergeAtlas(
  merge: TMergeFacts,
  models: TScoredModel[],
  datasets: { id: string; name: string }[],
  metric: string | null,
): Promise<TMergeAtlas | null> {
  const base = merge.baseModelId;
  if (!base || merge.parents.length === 0) return null;
  const parentIds = merge.parents.map((p) => p.modelId);
  const candidates = await prisma.analysis.findMany({
    where: { kind: 'vectors', archivedAt: null, modelIds: { has: base } },
    orderBy: { createdAt: 'desc' },
    include: { run: { select: { status: true } } },
    take: 100,
  });
  const matching = candidates.filter(
    (a) => a.modelIds[0] === base && sameParents(a.modelIds.slice(1), parentIds),
  );
  const analysis = matching.find((a) => a.result !== null) ?? matching[0] ?? null;
  const report = (analysis?.result ?? null) as VectorsReport | null;
  const trained = await prisma.model.findMany({
    where: { id: { in: parentIds } },
    select: { id: true, parentRun: { select: { datasetId: true } } },
  });
  const merged = models.find((m) => m.role === 'merged');
  const parents = merge.parents.map((p): TAtlasParent => {
    const k = report?.tuned.indexOf(p.modelId) ?? -1;
    const change = k >= 0 ? report?.overall.changes[k] : undefined;
    const own = trained.find((t) => t.id === p.modelId)?.parentRun?.datasetId ?? null;
    const datasetId = own && datasets.some((d) => d.id === own) ? own : null;
    const score = (m: TScoredModel | undefined) =>
      datasetId && metric ? (m?.scores[datasetId]?.[metric] ?? null) : null;
    const parentScore = score(models.find((m) => m.id === p.modelId));
    const mergedScore = score(merged);
    const loss =
      parentScore === null || mergedScore === null || !metric
        ? null
        : lowerIsBetter(metric)
          ? mergedScore - parentScore
          : parentScore - mergedScore;
    return {
      modelId: p.modelId,
      label: p.model.name,
      datasetId,
      datasetName: datasets.find((d) => d.id === datasetId)?.name ?? null,
      tiesTrimmed: change?.tiesTrimmed ?? null,
      tiesOverruled: change?.tiesOverruled ?? null,
      inBaseSubspace: change?.inBaseSubspace ?? null,
      lastLayerCka: k >= 0 ? (report?.activations?.baseVsTuned[k]?.at(-1) ?? null) : null,
      parentScore,
      mergedScore,
      loss,
    };
  });
  const density = merge.parents
    .map((p) => (p.params as Record<string, unknown> | null)?.density)
    .find((d): d is number => typeof d === 'number' && d > 0 && d <= 1);
  const datasetId = parents.find((p) => p.datasetId)?.datasetId ?? datasets[0]?.id;
  return {
    analysis: analysis ? { id: analysis.id, status: analysis.run.status } : null,
    report,
    metric,
    parents,
    launch: {
      baseModelId: base,
      tunedModelIds: parentIds,
      tiesDensity: density ?? 0.2,
      ...(datasetId ? { datasetId } : {}),
    },
  };
}
