import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { getArtifactStore } from '@tunelab/db';
import { z } from 'zod';
import { HttpError } from '../../../common/server/http.ts';
import { receiveMultipart, uploadFolder } from '../../../common/server/multipart.ts';

export const ZStoredUpload = z.object({
  uploadId: z.uuid(),
  fileName: z.string(),
  size: z.number().int().nonnegative(),
  path: z.string(),
});
export type TStoredUpload = z.infer<typeof ZStoredUpload>;

function uploadDir(uploadId: string): string {
  return getArtifactStore().resolve(uploadFolder(uploadId));
}

/**
 * Receives a dataset file (one per request) and keeps it with a meta.json, so a later create
 * request can find it by uploadId after the user checked the inspection.
 */
export async function receiveUpload(
  request: Request,
): Promise<{ upload: TStoredUpload; fields: Record<string, string> }> {
  await pruneUploads();
  const received = await receiveMultipart(request, { maxFiles: 1 });
  const file = received.files[0];
  if (!file) throw new HttpError(400, 'no_file', 'No file in the upload: attach it in field "file"');
  const upload = { uploadId: received.uploadId, fileName: file.name, size: file.size, path: file.path };
  await writeFile(path.join(uploadDir(received.uploadId), 'meta.json'), JSON.stringify(upload));
  return { upload, fields: received.fields };
}

/** Finds an upload stored by an earlier inspect request. */
export async function findUpload(uploadId: string): Promise<TStoredUpload> {
  const dir = uploadDir(uploadId);
  let raw: string;
  try {
    raw = await readFile(path.join(dir, 'meta.json'), 'utf8');
  } catch {
    throw new HttpError(
      404,
      'upload_not_found',
      `Upload ${uploadId} not found (expired or already used); upload the file again`,
    );
  }
  return ZStoredUpload.parse(JSON.parse(raw));
}

/** Inspected files nobody turned into a dataset are kept this long (the user may fix the options). */
const UPLOAD_TTL_MS = 24 * 3600_000;

/** Best-effort removal of abandoned uploads; never fails the request that triggered it. */
export async function pruneUploads(now = Date.now()): Promise<void> {
  const root = getArtifactStore().resolve(getArtifactStore().uploadsPath());
  const entries = await readdir(root).catch(() => [] as string[]);
  await Promise.all(
    entries.map(async (entry) => {
      const info = await stat(path.join(root, entry)).catch(() => null);
      if (info && now - info.mtimeMs > UPLOAD_TTL_MS)
        await rm(path.join(root, entry), { recursive: true, force: true });
    }),
  );
}

export async function deleteUpload(uploadId: string): Promise<void> {
  await rm(uploadDir(uploadId), { recursive: true, force: true });
}
