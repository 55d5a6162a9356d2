// search.run: a recipe search (control queue, in-process: it only waits). The driver
// (runRecipeSearch in @tunelab/core/merge-search) asks for scores; each request becomes a Run of
// kind search_candidate queued through @tunelab/jobs, so candidates spread over every worker that
// is up. Progress (every candidate so far) is written to MergeSearch.result for the live page.
// Idempotent on retry: the driver is seeded, so it asks the same requests in the same order, and a
// candidate that already has scores is reused. Cancelling cancels the open candidates.
import { InputError } from '@tunelab/core/errors';
import { CancelledError, JOB_NAMES, ZSearchJob } from '@tunelab/core/jobs';
import {
  type DomainScores,
  domainMetric,
  parseSearchSpec,
  runRecipeSearch,
  type SearchEvaluator,
} from '@tunelab/core/merge-search';
import { getPrisma, type Prisma } from '@tunelab/db';
import { cancelRun, createQueuedRuns } from '@tunelab/jobs';
import { searchDomains } from '../training/search-domains.ts';
import { defineProcessor, type TProcessorContext } from './types.ts';

const POLL_MS = 250;
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export const searchProcessor = defineProcessor({
  name: JOB_NAMES.searchRun,
  schema: ZSearchJob,
  async handle({ runId }, ctx) {
    const prisma = getPrisma();
    const search = await prisma.mergeSearch.findUnique({ where: { runId } });
    if (!search) throw new InputError(`run ${runId} has no search to run`);
    const spec = parseSearchSpec(search.config, 'search config');
    const base = await prisma.model.findUnique({ where: { id: spec.base_model } });
    if (!base) throw new InputError(`search ${search.id}: the base model no longer exists`);
    const numLayers = (base.config as { num_hidden_layers?: number } | null)?.num_hidden_layers ?? 1;
    const domains = await searchDomains(spec);
    await ctx.log(
      `Searching ${spec.methods.join(', ')} over ${domains.map((d) => d.name).join(', ')}: ${spec.budget} evaluations`,
    );
    const evaluator = queuedEvaluator(
      search.id,
      domains.map((d) => ({ name: d.name, metric: domainMetric(d.task).metric })),
      ctx,
    );
    const result = await runRecipeSearch(spec, numLayers, evaluator, {
      throwIfCancelled: ctx.throwIfCancelled,
      onProgress: async ({ candidates, baselines, budget }) => {
        await prisma.mergeSearch.update({
          where: { id: search.id },
          data: {
            result: { partial: true, budget, baselines, candidates } as unknown as Prisma.InputJsonValue,
          },
        });
        await ctx.progress(Math.min(0.95, candidates.length / budget));
      },
    });
    await prisma.mergeSearch.update({
      where: { id: search.id },
      data: {
        result: { partial: false, budget: spec.budget, ...result } as unknown as Prisma.InputJsonValue,
      },
    });
    const best = result.candidates[result.best];
    await ctx.log(
      `Best recipe: candidate ${result.best} (${best?.recipe.method}), objective ${best?.fitness.toFixed(4)} on the subsamples, ${best?.full?.fitness.toFixed(4)} on the full eval sets`,
    );
    return {
      runId,
      summary: {
        evaluations: result.evaluations,
        best: result.best,
        objective: best?.fitness,
        fullObjective: best?.full?.fitness,
      },
    };
  },
});

/** Scores requests as queued candidate runs, waiting for all of them; reuses scored ones on retry. */
function queuedEvaluator(
  searchId: string,
  domains: SearchEvaluator['domains'],
  ctx: TProcessorContext,
): SearchEvaluator {
  const prisma = getPrisma();
  const next: Record<string, number> = {};
  return {
    domains,
    async score(requests, mode, phase) {
      const start = next[phase] ?? 0;
      next[phase] = start + requests.length;
      const rows = [];
      for (const [k, request] of requests.entries()) {
        const index = start + k;
        const existing = await prisma.searchCandidate.findUnique({
          where: { searchId_phase_index: { searchId, phase, index } },
          include: { run: true },
        });
        if (
          existing &&
          JSON.stringify(existing.request) === JSON.stringify(request) &&
          existing.run.status !== 'failed' &&
          existing.run.status !== 'cancelled'
        ) {
          rows.push(existing);
          continue;
        }
        if (existing) await prisma.run.delete({ where: { id: existing.runId } }); // stale: ask again
        const [id] = await createQueuedRuns([
          {
            kind: 'search_candidate',
            searchCandidate: {
              create: {
                search: { connect: { id: searchId } },
                phase,
                index,
                mode,
                request: request as unknown as Prisma.InputJsonValue,
              },
            },
          },
        ]);
        rows.push(
          await prisma.searchCandidate.findUniqueOrThrow({
            where: { runId: id as string },
            include: { run: true },
          }),
        );
      }
      const runIds = rows.map((r) => r.runId);
      try {
        for (;;) {
          await ctx.throwIfCancelled();
          const runs = await prisma.run.findMany({
            where: { id: { in: runIds } },
            select: { id: true, status: true, error: true },
          });
          const bad = runs.find((r) => r.status === 'failed' || r.status === 'cancelled');
          if (bad)
            throw new Error(`candidate run ${bad.id} ${bad.status}${bad.error ? `: ${bad.error}` : ''}`);
          if (runs.length === runIds.length && runs.every((r) => TERMINAL.has(r.status))) break;
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
      } catch (error) {
        if (error instanceof CancelledError)
          for (const id of runIds) await cancelRun(id).catch(() => undefined);
        throw error;
      }
      const scored = await prisma.searchCandidate.findMany({ where: { runId: { in: runIds } } });
      return runIds.map((id) => (scored.find((c) => c.runId === id)?.scores ?? []) as DomainScores);
    },
  };
}
