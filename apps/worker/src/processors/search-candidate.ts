// search.candidate: scores one request of a recipe search (an existing model, or a merge recipe
// merged into a scratch folder that is removed afterwards) on every domain of the search, on the
// fixed subsamples or the full eval sets; stores the figures on its SearchCandidate row. The
// runtime (run-job.ts) owns the Run's status. Idempotent: a retry merges and scores again.
import path from 'node:path';
import { InputError } from '@tunelab/core/errors';
import { JOB_NAMES, ZSearchCandidateJob } from '@tunelab/core/jobs';
import { parseSearchSpec, recipeYaml, type ScoreRequest } from '@tunelab/core/merge-search';
import { getArtifactStore, getPrisma, parseStoredMergeConfig } from '@tunelab/db';
import { searchDomains } from '../training/search-domains.ts';
import { defineProcessor } from './types.ts';

export const searchCandidateProcessor = defineProcessor({
  name: JOB_NAMES.searchCandidate,
  schema: ZSearchCandidateJob,
  async handle({ runId }, ctx) {
    const prisma = getPrisma();
    const candidate = await prisma.searchCandidate.findUnique({
      where: { runId },
      include: { search: true },
    });
    if (!candidate) throw new InputError(`run ${runId} has no search candidate to score`);
    const spec = parseSearchSpec(candidate.search.config, 'search config');
    const request = candidate.request as ScoreRequest;
    const mode = candidate.mode === 'full' ? 'full' : 'subsample';
    const domains = await searchDomains(spec);
    const { initBackend } = await import('@tunelab/core/backend');
    const { scoreFolderOnDomains, scoreMergeOnDomains } = await import('@tunelab/core/merge-search/node');
    await initBackend();
    const store = getArtifactStore();
    await ctx.throwIfCancelled();
    let scores: (number | null)[];
    if (request.kind === 'model') {
      const model = await prisma.model.findUnique({ where: { id: request.model } });
      if (!model)
        throw new InputError(`search ${candidate.searchId}: model ${request.model} no longer exists`);
      await ctx.log(`Scoring ${model.name} on ${domains.length} domains (${mode})`);
      scores = await scoreFolderOnDomains(store.resolve(model.artifactPath), domains, mode, {
        referenceWhenHeadless: request.model === spec.base_model,
      });
    } else {
      const { plan } = await parseStoredMergeConfig(
        prisma,
        recipeYaml(request.config),
        `search ${candidate.searchId} candidate ${candidate.index}`,
        (model) => store.resolve(model.artifactPath),
      );
      await ctx.log(`Merging with ${plan.method} and scoring on ${domains.length} domains (${mode})`);
      const workDir = await store.ensureDir(
        path.posix.join(store.searchPath(candidate.searchId), `${candidate.phase}-${candidate.index}`),
      );
      scores = await scoreMergeOnDomains(plan, workDir, domains, mode, {
        throwIfCancelled: ctx.throwIfCancelled,
        onProgress: (fraction) => void ctx.progress(0.8 * fraction),
      });
    }
    await prisma.searchCandidate.update({ where: { id: candidate.id }, data: { scores } });
    return { runId, scores, summary: { scores, mode } };
  },
});
