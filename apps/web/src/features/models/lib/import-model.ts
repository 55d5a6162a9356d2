import { randomUUID } from 'node:crypto';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { modelRowFacts } from '@tunelab/core/dashboard';
import { HfModelError, importHfModel } from '@tunelab/core/hf';
import { zOptionalName } from '@tunelab/core/text';
import { getArtifactStore, type Prisma, prisma } from '@tunelab/db';
import { z } from 'zod';
import { HttpError, zodMessage } from '../../../common/server/http.ts';
import { clientKeyOf, createOnce } from '../../../common/server/idempotency.ts';
import { receiveModelFolder } from './receive-model-folder.ts';

/** The optional form fields of a model import. */
const ZImportFields = z.object({
  name: zOptionalName(120).optional(),
  source: zOptionalName(200, 'source').optional(),
  clientKey: z.string().optional(),
});

/** The model an earlier import with this Idempotency-Key made, if any. */
function findModelByClientKey(clientKey: string): Promise<{ id: string; name: string } | null> {
  return prisma.model.findUnique({ where: { clientKey }, select: { id: true, name: true } });
}

export class ModelImportError extends Error {}

/**
 * Receives a Hugging Face BERT folder (files, or one .zip), validates it with importHfModel (config,
 * every expected tensor and its shape, tokenizer) and stores it as a base model. Validation errors
 * name the file and tensor; nothing is stored when validation fails or the client goes away. With
 * an Idempotency-Key header (or a clientKey field), an import that already happened answers its
 * model again (`replayed`; with the header, before the upload is received), so a retry after a
 * timeout never stores the model twice.
 */
export async function importUploadedModel(
  req: Request,
): Promise<{ id: string; name: string; replayed?: true }> {
  const headerKey = clientKeyOf(req);
  const earlier = headerKey ? await findModelByClientKey(headerKey) : null;
  if (earlier) return { ...earlier, replayed: true };
  const upload = await receiveModelFolder(req);
  const store = getArtifactStore();
  try {
    const fields = ZImportFields.safeParse(upload.fields);
    if (!fields.success) throw new HttpError(400, 'invalid_request', zodMessage(fields.error));
    const clientKey = clientKeyOf(req, fields.data.clientKey);
    return await createOnce(clientKey, findModelByClientKey, async () => {
      let imported: Awaited<ReturnType<typeof importHfModel>>;
      try {
        imported = await importHfModel(upload.dir);
      } catch (e) {
        const msg = (e instanceof Error ? e.message : String(e))
          .replaceAll(`${upload.dir}/`, '')
          .replaceAll(upload.dir, 'upload');
        throw new ModelImportError(
          `${e instanceof HfModelError ? '' : 'Could not read the model: '}${msg} (files received: ${upload.files.join(', ')})`,
        );
      }
      // A client that went away while the files were checked: store nothing.
      req.signal.throwIfAborted();
      const facts = modelRowFacts(imported);
      const id = `m${randomUUID().replaceAll('-', '').slice(0, 24)}`;
      const rel = store.modelPath(id);
      await store.ensureDir(path.posix.dirname(rel));
      await rename(upload.dir, store.resolve(rel));
      const name = (
        (fields.data.name ?? '') ||
        `bert-${facts.config.hidden_size ?? '?'}x${facts.config.num_hidden_layers ?? '?'}`
      ).slice(0, 120);
      try {
        await prisma.model.create({
          data: {
            id,
            name,
            kind: 'base',
            config: facts.config as Prisma.InputJsonValue,
            tokenizer: facts.tokenizer as Prisma.InputJsonValue,
            artifactPath: rel,
            paramCount: facts.paramCount,
            source: fields.data.source || 'upload',
            clientKey: clientKey ?? null,
            task: facts.task,
            numLabels: facts.numLabels,
          },
        });
      } catch (e) {
        // no row (a concurrent import with the same key won, or the database refused): no folder
        await store.remove(rel);
        throw e;
      }
      return { id, name };
    });
  } finally {
    await store.remove(upload.rel);
  }
}
