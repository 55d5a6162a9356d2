import { rm } from 'node:fs/promises';
import path from 'node:path';
import {
  maxUploadBytes,
  type ReceivedMultipart,
  receiveMultipart,
} from '../../../common/server/multipart.ts';
import { extractModelZip, MAX_ZIP_ENTRIES } from './unzip-upload.ts';

export interface ReceivedModelFolder extends Omit<ReceivedMultipart, 'files'> {
  /** Names of the model's files in `dir` (a .zip is already extracted). */
  files: string[];
}

/**
 * Receives a model folder's files (or one .zip of it, streamed out entry by entry by
 * extractModelZip: at most 64 entries expanding to 2 × TUNELAB_MAX_UPLOAD_MB; a zip with a single
 * top folder is flattened) through the shared multipart receiver. Caller removes `rel` when done.
 */
export async function receiveModelFolder(req: Request): Promise<ReceivedModelFolder> {
  const upload = await receiveMultipart(req, { maxFiles: 20 });
  try {
    const files = upload.files.map((f) => f.name);
    if (files.length === 1 && files[0]?.toLowerCase().endsWith('.zip')) {
      const zipName = files[0];
      const extracted = await extractModelZip(path.join(upload.dir, zipName), upload.dir, {
        maxEntries: MAX_ZIP_ENTRIES,
        maxTotalBytes: 2 * maxUploadBytes(),
      });
      await rm(path.join(upload.dir, zipName));
      files.splice(0, 1, ...extracted);
    }
    return { ...upload, files };
  } catch (e) {
    await rm(path.dirname(upload.dir), { recursive: true, force: true });
    throw e;
  }
}
