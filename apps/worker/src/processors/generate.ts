// generate.run: writes the texts of a generation plan through an OpenAI-compatible endpoint into
// the review queue (SynthText rows), then checks them against the real rows. Control queue (it
// waits on the network, not the CPU). The runtime (run-job.ts) owns the Run's status; this returns
// the summary. The connection's key is opened here, at call time, and goes only to the client.
import { InputError } from '@tunelab/core/errors';
import { JOB_NAMES, ZGenerateJob } from '@tunelab/core/jobs';
import { createChatClient, generateText, realRowsRefusal, type TEndpoint } from '@tunelab/core/llm';
import {
  batchDiversity,
  checkTexts,
  endpointHost,
  expandPlan,
  redactKey,
  ZGenerationSpec,
} from '@tunelab/core/synth';
import { getPrisma, openConnectionKey, type Prisma, readEnv } from '@tunelab/db';
import { defineProcessor } from './types.ts';

/** Retries of one request (429, 5xx, dropped connection) before the attempt fails. */
const REQUEST_RETRIES = 5;

export const generateProcessor = defineProcessor({
  name: JOB_NAMES.generateRun,
  schema: ZGenerateJob,
  async handle({ runId }, ctx) {
    const prisma = getPrisma();
    const generation = await prisma.generation.findUnique({
      where: { runId },
      include: { connection: true, run: { select: { datasetId: true } } },
    });
    if (!generation) throw new InputError(`run ${runId} has no generation to run`);
    const connection = generation.connection;
    if (!connection) throw new InputError('the generation has no connection (it was deleted)');
    const parsed = ZGenerationSpec.safeParse(generation.spec);
    if (!parsed.success) throw new InputError(`generation settings: ${parsed.error.issues[0]?.message}`);
    const spec = parsed.data;
    const key = openConnectionKey(connection);
    const endpoint: TEndpoint = { baseUrl: connection.baseUrl, model: connection.model, apiKey: key };
    const host = endpointHost(connection.baseUrl);
    const datasetId = generation.run.datasetId;

    const real = datasetId
      ? await prisma.datasetRow.findMany({
          where: { datasetId, source: 'real' },
          select: { id: true, text: true, label: true, split: true },
          orderBy: { index: 'asc' },
        })
      : [];
    // The privacy switch: checked before anything is sent.
    const refusal = real.length > 0 ? realRowsRefusal(spec, connection) : null;
    if (refusal) throw new InputError(refusal);
    // Few-shot examples come from training rows only (test rows must not leak into prompts).
    const pool = real.filter((r) => r.split === 'train');

    const planned = expandPlan(spec.plan);
    const done = new Set(
      (
        await prisma.synthText.findMany({
          where: { generationId: generation.id },
          select: { position: true },
        })
      ).map((t) => t.position),
    );
    const sent: { rowId: string; position: number; host: string }[] = Array.isArray(generation.sentRows)
      ? (generation.sentRows as { rowId: string; position: number; host: string }[])
      : [];
    const client = createChatClient(endpoint);
    const backoffMs = readEnv().TUNELAB_GENERATION_BACKOFF_MS;
    const started = Date.now();
    let made = 0;
    const todo = planned.filter((p) => !done.has(p.index));
    await ctx.log(`generating ${todo.length} of ${planned.length} texts with ${connection.model} at ${host}`);
    for (const p of todo) {
      await ctx.throwIfCancelled();
      const { seed, prompt, shots, result } = await generateText(client, endpoint, spec, p, pool, {
        attempts: REQUEST_RETRIES,
        backoffMs,
        onRetry: (message) => ctx.log(`text ${p.index + 1}: ${redactKey(message, key)}`, 'warn'),
        check: () => ctx.throwIfCancelled(),
      });
      for (const s of shots) sent.push({ rowId: s.id, position: p.index, host });
      await prisma.$transaction([
        prisma.synthText.create({
          data: {
            generationId: generation.id,
            datasetId,
            item: p.item,
            target: p.score,
            text: result.text,
            position: p.index,
            prompt,
            seed,
            fewShotRowIds: shots.map((s) => s.id),
            origin: 'generated',
            reviewsWanted: spec.reviews,
          },
        }),
        prisma.generation.update({
          where: { id: generation.id },
          data: {
            promptTokens: { increment: result.promptTokens },
            completionTokens: { increment: result.completionTokens },
            sentRows: sent as Prisma.InputJsonValue,
          },
        }),
      ]);
      made++;
      const finished = done.size + made;
      const perText = (Date.now() - started) / made;
      await ctx.progress(finished / planned.length, ((planned.length - finished) * perText) / 1000);
    }

    // Checks of every text of the run against the real rows and each other.
    const texts = await prisma.synthText.findMany({
      where: { generationId: generation.id },
      select: { id: true, text: true, fewShotRowIds: true },
    });
    const checks = checkTexts(texts, real);
    for (const t of texts)
      await prisma.synthText.update({
        where: { id: t.id },
        data: { checks: (checks.get(t.id) ?? null) as unknown as Prisma.InputJsonValue },
      });
    const diversity = batchDiversity(texts.map((t) => t.text));
    const totals = await prisma.generation.update({
      where: { id: generation.id },
      data: { diversity },
      select: { promptTokens: true, completionTokens: true },
    });
    const flagged = [...checks.values()].filter(
      (c) => c.nearDuplicateOfReal || c.copiedFewShot || c.duplicateOf,
    ).length;
    await ctx.log(`${texts.length} texts in the review queue; ${flagged} flagged by the checks`);
    return {
      summary: {
        texts: texts.length,
        flagged,
        promptTokens: totals.promptTokens,
        completionTokens: totals.completionTokens,
        diversity: diversity.diversity,
        realRowsSent: sent.length,
      },
    };
  },
});
