// The domains of a merge's parents: each parent's fine-tuning dataset, scored as that parent's run
// scored it (its eval rows or fold, tolerance, max length, label space). Used by merge scoring
// (merge.run) and recipe search (search.candidate), so both judge a merge on the same rows.
import { ZTrainParams } from '@tunelab/core/dashboard';
import type { SearchDomain } from '@tunelab/core/merge-search/node';
import { datasetItemSpecs, datasetLabelSpace, getPrisma, loadDatasetRows } from '@tunelab/db';
import { splitRows } from './split-rows.ts';

export interface ParentDomain {
  /** The parent model whose fine-tuning run defines the domain. */
  modelId: string;
  datasetId: string;
  datasetName: string;
  domain: Omit<SearchDomain, 'subsample'>;
}

/** One domain per parent model that has a fine-tuning dataset (null for a parent without one). */
export async function parentDomains(modelIds: readonly string[]): Promise<(ParentDomain | null)[]> {
  const prisma = getPrisma();
  const models = await prisma.model.findMany({
    where: { id: { in: [...modelIds] } },
    include: { parentRun: { include: { dataset: true } } },
  });
  const out: (ParentDomain | null)[] = [];
  for (const id of modelIds) {
    const run = models.find((m) => m.id === id)?.parentRun;
    if (!run?.dataset) {
      out.push(null);
      continue;
    }
    const dataset = run.dataset;
    const params = ZTrainParams.parse(run.params ?? {});
    const space = await datasetLabelSpace(dataset, prisma);
    const rows = await loadDatasetRows(dataset.id, { splits: ['train', 'eval'] }, prisma);
    const { train, eval: evalRows } = splitRows(rows, params);
    const items = datasetItemSpecs(dataset);
    out.push({
      modelId: id,
      datasetId: dataset.id,
      datasetName: dataset.name,
      domain: {
        name: dataset.name,
        task: space.task,
        // multi-item rows keep their per-item labels (wide) or item (long)
        rows: evalRows.map((r) => ({
          text: r.text,
          label: r.label,
          source: r.source ?? null,
          ...(r.labels ? { labels: r.labels } : {}),
          ...(r.item !== undefined ? { item: r.item } : {}),
        })),
        trainLabels: train.map((r) => r.label),
        ...(items
          ? {
              items,
              trainItemRows: train.map((r) => ({
                label: r.label,
                ...(r.labels ? { labels: r.labels } : {}),
                ...(r.item !== undefined ? { item: r.item } : {}),
              })),
            }
          : {}),
        labelRange: space.task === 'regression' ? space.labelRange : null,
        tolerance: params.tolerance,
        maxLength: params.maxLength,
        numClasses: space.task === 'classification' ? space.numClasses : undefined,
      },
    });
  }
  return out;
}
