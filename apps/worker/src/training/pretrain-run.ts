// run.pretrain: masked-LM pretraining of a small BERT from a corpus, saved as a 'pretrained' model.
// A `followUp` in the run's params queues fine-tuning runs of the new model (the demo uses it).
import { randomUUID } from 'node:crypto';
import { initBackend } from '@tunelab/core/backend';
import { modelRowFacts, ZPretrainParams, ZTrainParams } from '@tunelab/core/dashboard';
import { importHfModel } from '@tunelab/core/hf';
import { CancelledError } from '@tunelab/core/jobs';
import { pretrainMlm } from '@tunelab/core/pretrain';
import { saveModel } from '@tunelab/core/train';
import { getArtifactStore, type Prisma, prisma } from '@tunelab/db';
import { createQueuedRuns } from '@tunelab/jobs';
import { z } from 'zod';
import { readCorpus, ZCorpusSpec } from './corpus.ts';
import { cancelRequested, RunReporter } from './run-reporter.ts';
import { threadsForRun } from './run-threads.ts';

const ZPretrainRunParams = ZPretrainParams.extend({
  corpus: ZCorpusSpec,
  modelName: z.string().max(120).default('pretrained-bert'),
  followUp: z
    .object({
      datasetId: z.string(),
      seeds: z.number().int().min(1).max(10).default(1),
      params: ZTrainParams,
      tags: z.array(z.string()).default([]),
    })
    .optional(),
});

/** Pretrains one Run and returns its summary (runJob stores it and owns the Run's status). */
export async function pretrainRun(
  runId: string,
  ctx: { attempt: number; throwIfCancelled: () => Promise<void> },
) {
  const run = await prisma.run.findUnique({ where: { id: runId } });
  if (!run) throw new Error(`run.pretrain: run ${runId} does not exist`);
  const parsed = ZPretrainRunParams.safeParse(run.params);
  if (!parsed.success) {
    throw new Error(
      `run ${runId}: invalid pretraining parameters: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const p = parsed.data;
  const reporter = new RunReporter(runId);
  const backend = await initBackend();
  await prisma.run.update({ where: { id: runId }, data: { backend } });
  try {
    const corpus = await readCorpus(p.corpus);
    await reporter.log(
      `Attempt ${ctx.attempt}: masked-LM pretraining on ${corpus.length} texts (${p.corpus.kind}), ${p.layers}×${p.hiddenSize}, ${p.heads} heads, vocab ${p.vocabSize}, backend ${backend}`,
    );
    let stepLimitHit = false;
    const started = Date.now();
    const result = await pretrainMlm(
      corpus,
      {
        config: {
          hidden_size: p.hiddenSize,
          num_hidden_layers: p.layers,
          num_attention_heads: p.heads,
          intermediate_size: p.hiddenSize * 4,
          max_position_embeddings: Math.max(64, p.maxLength),
        },
        vocabSize: p.vocabSize,
        epochs: p.epochs,
        batchSize: p.batchSize,
        maxLength: p.maxLength,
        learningRate: p.lr,
        maskProbability: p.maskProbability,
        seed: p.seed,
        threads: threadsForRun(backend),
      },
      {
        onStep: (e) => reporter.step(e, p.maxSteps),
        onEpoch: async (e) => {
          await reporter.flush();
          await reporter.log(
            `Epoch ${e.epoch} done at step ${e.step}: train loss ${(e.metrics.train_loss ?? Number.NaN).toFixed(4)}`,
          );
        },
        shouldStop: async () => {
          if (p.maxSteps > 0 && reporter.stepsSeen >= p.maxSteps) {
            stepLimitHit = true;
            return true;
          }
          return cancelRequested(ctx.throwIfCancelled);
        },
      },
    );
    await reporter.flush();
    if (result.status === 'cancelled' && !stepLimitHit) {
      result.model.dispose();
      throw new CancelledError(runId);
    }
    const modelId = `m${randomUUID().replaceAll('-', '').slice(0, 24)}`;
    const store = getArtifactStore();
    const rel = store.modelPath(modelId);
    await saveModel(await store.ensureDir(rel), result.model, result.tokenizer);
    result.model.dispose();
    const facts = modelRowFacts(await importHfModel(store.resolve(rel)));
    await prisma.model.create({
      data: {
        id: modelId,
        name: p.modelName,
        kind: 'pretrained',
        config: facts.config as Prisma.InputJsonValue,
        tokenizer: facts.tokenizer as Prisma.InputJsonValue,
        artifactPath: rel,
        paramCount: facts.paramCount,
        source: `run:${runId}`,
        parentRunId: runId,
      },
    });
    const lossPoints = await prisma.metric.findMany({
      where: { runId, name: 'loss', split: 'train' },
      orderBy: { step: 'desc' },
      take: 50,
      select: { value: true },
    });
    const finalLoss = lossPoints.reduce((s, x) => s + x.value, 0) / Math.max(1, lossPoints.length);
    const summary = {
      metrics: { loss: finalLoss },
      steps: reporter.stepsSeen,
      epochs: result.history.length,
      seconds: (Date.now() - started) / 1000,
      stoppedEarly: stepLimitHit,
    };
    await reporter.log(
      `Saved model ${p.modelName} (${facts.paramCount} parameters); mean loss of the last 50 steps ${finalLoss.toFixed(3)}`,
    );
    if (p.followUp) await queueFollowUp(modelId, p.followUp, reporter);
    return { runId, modelId, summary };
  } finally {
    await reporter.flush().catch(() => undefined);
  }
}

async function queueFollowUp(
  modelId: string,
  f: NonNullable<z.infer<typeof ZPretrainRunParams>['followUp']>,
  reporter: RunReporter,
) {
  const runIds = await createQueuedRuns(
    Array.from({ length: f.seeds }, (_, i) => ({
      kind: 'train' as const,
      model: { connect: { id: modelId } },
      dataset: { connect: { id: f.datasetId } },
      params: { ...f.params, seed: f.params.seed + i },
      seed: f.params.seed + i,
      fraction: f.params.trainFraction,
      tags: f.tags,
    })),
  );
  await reporter.log(`Queued ${runIds.length} fine-tuning run(s) of the new model: ${runIds.join(', ')}`);
}
