// Server side of a generation launch: checks the dataset, the connection and the privacy switch,
// then creates one Run (kind generate) with its Generation detail row and queues generate.run
// (createQueuedRuns). The worker checks the privacy switch again before sending anything.
import { realRowsRefusal } from '@tunelab/core/llm';
import { isLoopbackUrl, ZGenerationSpec } from '@tunelab/core/synth';
import { getPrisma, type Prisma } from '@tunelab/db';
import { createQueuedRuns } from '@tunelab/jobs';
import { z } from 'zod';
import { HttpError } from '../../../common/server/http.ts';

export const ZLaunchGeneration = z
  .object({
    datasetId: z.string().min(1).max(64),
    connectionId: z.string().min(1).max(64),
    name: z.string().trim().max(200).optional(),
    spec: z.unknown(),
  })
  .strict();

/** Returns the new run's id (its page is /synth/runs/<id>). */
export async function launchGeneration(input: unknown): Promise<string> {
  const { datasetId, connectionId, name, spec: rawSpec } = ZLaunchGeneration.parse(input);
  const spec = ZGenerationSpec.parse(rawSpec);
  const prisma = getPrisma();
  const dataset = await prisma.dataset.findUnique({ where: { id: datasetId } });
  if (!dataset) throw new HttpError(404, 'not_found', `Unknown dataset ${datasetId}`);
  const connection = await prisma.connection.findUnique({
    where: { id: connectionId },
    select: { id: true, name: true, baseUrl: true, model: true, allowRealRows: true, archivedAt: true },
  });
  if (!connection || connection.archivedAt)
    throw new HttpError(404, 'not_found', `Unknown connection ${connectionId}`);
  const loopback = isLoopbackUrl(connection.baseUrl);
  const refusal = realRowsRefusal(spec, connection);
  if (refusal) throw new HttpError(400, 'privacy', refusal);
  const [runId] = await createQueuedRuns([
    {
      kind: 'generate',
      name: name || `generate ${spec.plan.reduce((s, e) => s + e.count, 0)} texts for ${dataset.name}`,
      seed: spec.seed,
      params: { temperature: spec.temperature, fewShot: spec.fewShot } as Prisma.InputJsonValue,
      dataset: { connect: { id: datasetId } },
      generation: {
        create: {
          connection: { connect: { id: connectionId } },
          spec: spec as unknown as Prisma.InputJsonValue,
          endpoint: { name: connection.name, baseUrl: connection.baseUrl, model: connection.model, loopback },
        },
      },
    },
  ]);
  return runId as string;
}
