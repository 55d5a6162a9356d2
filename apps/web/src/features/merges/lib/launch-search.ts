// Server side of a recipe-search launch: validates SEARCH.yml (fields, model ids), checks that the
// models can be merged (the same checks as a merge launch, on a TIES config of the same models)
// and that each model has a fine-tuning dataset here (its domain), then creates one Run (kind
// search) with its MergeSearch detail row and queues search.run (createQueuedRuns).
import { parseSearchSpec, recipeYaml, type SearchResult } from '@tunelab/core/merge-search';
import { checkStoredMergeable, parseStoredMergeConfig, prisma } from '@tunelab/db';
import { createQueuedRuns } from '@tunelab/jobs';
import { z } from 'zod';
import { launchMerges } from './launch-merges.ts';

export const ZLaunchSearch = z
  .object({
    yaml: z.string().min(1, 'the search config is empty').max(100_000),
    name: z.string().max(200).optional(),
  })
  .strict();

/** Returns the MergeSearch id (its page is /merges/search/<id>). */
export async function launchSearch(input: unknown): Promise<string> {
  const { yaml, name } = ZLaunchSearch.parse(input);
  const spec = parseSearchSpec(yaml, 'search config');
  const probe = recipeYaml({
    merge_method: 'ties',
    base_model: spec.base_model,
    models: spec.models.map((m) => ({ model: m.model, parameters: { weight: 1 } })),
    ...(spec.head_source ? { head_source: spec.head_source } : {}),
  });
  const stored = await parseStoredMergeConfig(prisma, probe, 'search config', (model) => model.artifactPath);
  await checkStoredMergeable(prisma, stored, 'search config');
  const models = await prisma.model.findMany({
    where: { id: { in: spec.models.map((m) => m.model) } },
    select: { id: true, name: true, parentRun: { select: { datasetId: true } } },
  });
  for (const m of models) {
    if (!m.parentRun?.datasetId)
      throw new Error(`search config: ${m.name} was not fine-tuned here, so its domain (dataset) is unknown`);
  }
  const [runId] = await createQueuedRuns([
    {
      kind: 'search',
      model: { connect: { id: spec.base_model } },
      mergeSearch: {
        create: { name: name ?? spec.name ?? null, config: yaml, baseModelId: spec.base_model },
      },
    },
  ]);
  const search = await prisma.mergeSearch.findUniqueOrThrow({ where: { runId }, select: { id: true } });
  return search.id;
}

/** Launches the search's best recipe as a normal merge run; returns the Merge id. */
export async function materialiseSearch(input: unknown): Promise<string> {
  const searchId = z.string().min(1).max(64).parse(input);
  const search = await prisma.mergeSearch.findUnique({ where: { id: searchId } });
  if (!search) throw new Error('no such search');
  const result = search.result as (SearchResult & { partial?: boolean }) | null;
  const best = result && !result.partial ? result.candidates[result.best] : undefined;
  if (!best) throw new Error('the search has no best recipe yet');
  const [mergeId] = await launchMerges([
    { yaml: recipeYaml(best.recipe.config), name: `${search.name ?? 'search'} · best recipe` },
  ]);
  return mergeId as string;
}
