// Server side of an analysis launch: checks the models, creates a Run (kind analyse) with its
// Analysis detail row and queues analysis.vectors (createQueuedRuns).

import { ZVectorsParams } from '@tunelab/core/vectors/params';
import { prisma } from '@tunelab/db';
import { createQueuedRuns } from '@tunelab/jobs';
import { z } from 'zod';

// The analysis parameters are core's (what the worker reads); the form picks a few of them.
export const ZLaunchAnalysis = ZVectorsParams.pick({
  threshold: true,
  spectra: true,
  tiesDensity: true,
  topK: true,
  datasetId: true,
  sampleRows: true,
}).extend({
  baseModelId: z.string().min(1, 'choose a base model'),
  tunedModelIds: z.array(z.string().min(1)).min(1, 'choose at least one fine-tuned model').max(8),
});
export type TLaunchAnalysis = z.input<typeof ZLaunchAnalysis>;

/** Returns the Analysis id (the page is /analyses/<id>). */
export async function launchAnalysis(input: TLaunchAnalysis): Promise<string> {
  const { baseModelId, tunedModelIds, ...options } = ZLaunchAnalysis.parse(input);
  const params = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  if (tunedModelIds.includes(baseModelId)) throw new Error('the base model cannot also be a tuned model');
  const ids = [baseModelId, ...tunedModelIds];
  const found = await prisma.model.findMany({
    where: { id: { in: ids } },
    select: { id: true, config: true },
  });
  const missing = ids.filter((id) => !found.some((m) => m.id === id));
  if (missing.length > 0) throw new Error(`models ${missing.join(', ')} do not exist`);
  const shape = (config: unknown) => {
    const c = (config ?? {}) as Record<string, unknown>;
    return JSON.stringify([c.hidden_size, c.num_hidden_layers, c.intermediate_size, c.vocab_size]);
  };
  const baseShape = shape(found.find((m) => m.id === baseModelId)?.config);
  const different = found.filter((m) => shape(m.config) !== baseShape).map((m) => m.id);
  if (different.length > 0)
    throw new Error(`models ${different.join(', ')} have another architecture than the base`);
  if (options.datasetId) {
    const dataset = await prisma.dataset.findUnique({
      where: { id: options.datasetId },
      select: { id: true },
    });
    if (!dataset) throw new Error(`dataset ${options.datasetId} does not exist`);
  }
  const [runId] = (await createQueuedRuns([
    {
      kind: 'analyse',
      model: { connect: { id: baseModelId } },
      params,
      analysis: { create: { kind: 'vectors', modelIds: ids, params } },
    },
  ])) as [string];
  const analysis = await prisma.analysis.findUniqueOrThrow({ where: { runId }, select: { id: true } });
  return analysis.id;
}
