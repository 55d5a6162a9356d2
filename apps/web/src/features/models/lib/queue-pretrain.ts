import { rename } from 'node:fs/promises';
import path from 'node:path';
import { ZPretrainParams } from '@tunelab/core/dashboard';
import { getArtifactStore, type Prisma, prisma } from '@tunelab/db';
import { enqueueRuns } from '@tunelab/jobs';
import { z } from 'zod';
import { zodMessage } from '../../../common/server/http.ts';
import { receiveModelFolder } from './receive-model-folder.ts';

export class PretrainRequestError extends Error {}

const ZForm = ZPretrainParams.extend({ modelName: z.string().max(120).optional() });

/** POST /api/models/pretrain: stores the corpus under runs/<id>/corpus.txt and queues run.pretrain. */
export async function queuePretrain(req: Request): Promise<string> {
  const upload = await receiveModelFolder(req);
  const store = getArtifactStore();
  try {
    const corpus = upload.files.find((f) => /\.(txt|text)$/i.test(f));
    if (!corpus) throw new PretrainRequestError(`Upload a .txt corpus (got ${upload.files.join(', ')})`);
    const numeric = Object.fromEntries(
      Object.entries(upload.fields)
        .filter(([k, v]) => k !== 'modelName' && v !== '')
        .map(([k, v]) => [k, Number(v)]),
    );
    const parsed = ZForm.safeParse({ ...numeric, modelName: upload.fields.modelName || undefined });
    if (!parsed.success) throw new PretrainRequestError(zodMessage(parsed.error));
    if (parsed.data.hiddenSize % parsed.data.heads !== 0) {
      throw new PretrainRequestError(
        `Hidden size ${parsed.data.hiddenSize} must be divisible by the ${parsed.data.heads} heads`,
      );
    }
    const run = await prisma.run.create({ data: { kind: 'pretrain', params: {} } });
    const rel = path.posix.join(store.runPath(run.id), 'corpus.txt');
    await store.ensureDir(store.runPath(run.id));
    await rename(path.join(upload.dir, corpus), store.resolve(rel));
    const { modelName, ...params } = parsed.data;
    await prisma.run.update({
      where: { id: run.id },
      data: {
        params: {
          ...params,
          corpus: { kind: 'file', path: rel, name: corpus },
          modelName: modelName || corpus.replace(/\.\w+$/, ''),
        } as Prisma.InputJsonValue,
      },
    });
    // Created before queueing: the corpus is stored under the run's folder first.
    await enqueueRuns([run]);
    return run.id;
  } finally {
    await store.remove(upload.rel);
  }
}
