// Everything the merge page shows, loaded in one place (the page only renders it).
import { prisma } from '@tunelab/db';
import { commonMetrics, sameParents, scoresOf, type TScores } from './merge-scores.ts';

export interface TScoredModel {
  id: string;
  label: string;
  role: 'merged' | 'base' | 'parent' | 'sibling';
  scores: TScores;
}

export async function loadMergeView(id: string) {
  const merge = await prisma.merge.findUnique({
    where: { id },
    include: {
      parents: { include: { model: { select: { id: true, name: true } } }, orderBy: { order: 'asc' } },
      baseModel: { select: { id: true, name: true } },
      resultModel: { select: { id: true, name: true, paramCount: true } },
      evaluations: { include: { dataset: { select: { id: true, name: true } } } },
      run: true,
    },
  });
  if (!merge) return null;
  const parentIds = merge.parents.map((p) => p.modelId);
  // Merges of the same parents (any method or parameters): the points of the scatter.
  const candidates = await prisma.merge.findMany({
    where: { run: { status: 'succeeded' }, parents: { some: { modelId: { in: parentIds } } } },
    include: {
      parents: { select: { modelId: true } },
      resultModel: { select: { id: true } },
      evaluations: true,
    },
    take: 500,
  });
  const siblings: TScoredModel[] = candidates
    .filter(
      (c) =>
        c.resultModel &&
        sameParents(
          c.parents.map((p) => p.modelId),
          parentIds,
        ),
    )
    .map((c) => ({
      id: c.id,
      label: c.name ?? `${c.method} ${c.id.slice(-6)}`,
      role: 'sibling' as const,
      scores: scoresOf(c.evaluations, c.resultModel?.id ?? ''),
    }));
  const datasets = [...new Map(merge.evaluations.map((e) => [e.dataset.id, e.dataset])).values()];
  const models: TScoredModel[] = [
    ...(merge.resultModel ? [{ id: merge.resultModel.id, label: 'merged', role: 'merged' as const }] : []),
    ...(merge.baseModel
      ? [{ id: merge.baseModel.id, label: `base: ${merge.baseModel.name}`, role: 'base' as const }]
      : []),
    ...merge.parents.map((p) => ({ id: p.model.id, label: p.model.name, role: 'parent' as const })),
  ].map((m) => ({ ...m, scores: scoresOf(merge.evaluations, m.id) }));
  const metrics = commonMetrics(models.map((m) => m.scores).filter((s) => Object.keys(s).length > 0));
  return { merge, datasets, models, siblings, metrics };
}
