import { createReadStream } from 'node:fs';
import {
  DatasetError,
  inspectDataset,
  readDataset,
  type TDatasetSpec,
  type TInspection,
  ZDatasetFormat,
  ZDatasetSpec,
} from '@tunelab/core/datasets';
import { JOB_NAMES } from '@tunelab/core/jobs';
import { createDataset, findDatasetByClientKey, getPrisma } from '@tunelab/db';
import { enqueueJob } from '@tunelab/jobs';
import { z } from 'zod';
import { HttpError, jsonError, errorResponse as sharedErrorResponse } from '../../../common/server/http.ts';
import { createOnce } from '../../../common/server/idempotency.ts';
import { deleteUpload, type TStoredUpload } from './upload-store.ts';

/** Body of POST /api/datasets (JSON after an inspect, or the "spec" field of a one-shot upload). */
export const ZCreateDatasetRequest = z.object({
  uploadId: z.string().optional(),
  clientKey: z.string().optional(),
  format: ZDatasetFormat.optional(),
  spec: ZDatasetSpec,
});
export type TCreateDatasetRequest = z.infer<typeof ZCreateDatasetRequest>;

export async function inspectUpload(
  upload: TStoredUpload,
  format?: z.infer<typeof ZDatasetFormat>,
  signal?: AbortSignal,
): Promise<TInspection> {
  return inspectDataset(
    createReadStream(upload.path, { highWaterMark: 256 * 1024, ...(signal ? { signal } : {}) }),
    upload.fileName,
    { format },
  );
}

export interface TCreateOptions {
  format?: z.infer<typeof ZDatasetFormat>;
  clientKey?: string;
  /** The request's signal: a client that goes away stops the read and the insert. */
  signal?: AbortSignal;
}

/**
 * Validates the whole file against the spec, stores Dataset + rows atomically, then enqueues the
 * profile job. Any DatasetError is thrown before anything is written; if the queue is unreachable
 * the stored dataset is removed again, so a failed request never leaves a half-made dataset. With a
 * client key, a create that already happened answers its dataset again (`replayed`), so a retry
 * after a timeout never stores the file twice.
 */
export async function createFromUpload(
  upload: TStoredUpload,
  spec: TDatasetSpec,
  options: TCreateOptions = {},
): Promise<{ id: string; rowCount: number; replayed?: true }> {
  const { clientKey, signal } = options;
  return createOnce(
    clientKey,
    (key) => findDatasetByClientKey(key),
    async () => {
      const data = await readDataset(
        createReadStream(upload.path, { highWaterMark: 256 * 1024, ...(signal ? { signal } : {}) }),
        upload.fileName,
        spec,
        { format: options.format },
      );
      const created = await createDataset(spec, data, { fileName: upload.fileName, clientKey, signal });
      await enqueueProfileOrDiscard(created.id);
      await deleteUpload(upload.uploadId);
      return created;
    },
  );
}

/**
 * Enqueues the dataset.profile job of a just-stored dataset; when the queue is unreachable the
 * dataset is deleted again, so a failed request never leaves a dataset that would stay pending.
 */
export async function enqueueProfileOrDiscard(datasetId: string): Promise<void> {
  try {
    await enqueueJob(JOB_NAMES.datasetProfile, { datasetId });
  } catch (error) {
    await getPrisma().dataset.delete({ where: { id: datasetId } });
    throw new HttpError(503, 'queue_unavailable', `Dataset not saved: ${(error as Error).message}`);
  }
}

/** Dataset errors carry their row/column issues; everything else goes through the shared mapping. */
export function errorResponse(error: unknown): Response {
  if (error instanceof DatasetError) {
    return jsonError(400, error.message, {
      code: error.code,
      issues: error.issues,
      totalIssues: error.totalIssues,
    });
  }
  return sharedErrorResponse(error, 'web:datasets');
}
