import { randomUUID } from 'node:crypto';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { modelRowFacts } from '@tunelab/core/dashboard';
import { HfModelError, importHfModel } from '@tunelab/core/hf';
import { zOptionalName } from '@tunelab/core/text';
import { getArtifactStore, type Prisma, prisma } from '@tunelab/db';
import { z } from 'zod';
import { HttpError, zodMessage } from '../../../common/server/http.ts';
import { receiveModelFolder } from './receive-model-folder.ts';

/** The optional form fields of a model import. */
const ZImportFields = z.object({
  name: zOptionalName(120).optional(),
  source: zOptionalName(200, 'source').optional(),
});

export class ModelImportError extends Error {}

/**
 * Receives a Hugging Face BERT folder (files, or one .zip), validates it with importHfModel (config,
 * every expected tensor and its shape, tokenizer) and stores it as a base model. Validation errors
 * name the file and tensor; nothing is stored when validation fails.
 */
export async function importUploadedModel(req: Request): Promise<{ id: string; name: string }> {
  const upload = await receiveModelFolder(req);
  const store = getArtifactStore();
  try {
    const fields = ZImportFields.safeParse(upload.fields);
    if (!fields.success) throw new HttpError(400, 'invalid_request', zodMessage(fields.error));
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
    const facts = modelRowFacts(imported);
    const id = `m${randomUUID().replaceAll('-', '').slice(0, 24)}`;
    const rel = store.modelPath(id);
    await store.ensureDir(path.posix.dirname(rel));
    await rename(upload.dir, store.resolve(rel));
    const name =
      (fields.data.name ?? '') ||
      `bert-${facts.config.hidden_size ?? '?'}x${facts.config.num_hidden_layers ?? '?'}`;
    await prisma.model.create({
      data: {
        id,
        name: name.slice(0, 120),
        kind: 'base',
        config: facts.config as Prisma.InputJsonValue,
        tokenizer: facts.tokenizer as Prisma.InputJsonValue,
        artifactPath: rel,
        paramCount: facts.paramCount,
        source: fields.data.source || 'upload',
        task: facts.task,
        numLabels: facts.numLabels,
      },
    });
    return { id, name };
  } finally {
    await store.remove(upload.rel);
  }
}
