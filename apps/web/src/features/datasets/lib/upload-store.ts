import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { getArtifactStore, readEnv } from '@tunelab/db';
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
  startUploadSweeper();
  const declared = Number(request.headers.get('content-length') ?? 0) || 0;
  if (!(await pruneUploads(Date.now(), declared))) {
    throw new HttpError(
      507,
      'uploads_full',
      `The upload area of the artifact store is full (TUNELAB_UPLOADS_QUOTA_MB = ${readEnv().TUNELAB_UPLOADS_QUOTA_MB} MB, held by uploads inspected in the last 10 minutes); create or discard those datasets, or try again later`,
    );
  }
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
export const UPLOAD_TTL_MS = 24 * 3600_000;
/** Uploads younger than this are never evicted for space (someone is choosing its columns now). */
const UPLOAD_GRACE_MS = 10 * 60_000;
const SWEEP_EVERY_MS = 3600_000;

let sweeper: NodeJS.Timeout | undefined;

/** Starts the hourly sweep of expired uploads in this process (once; it never keeps it alive). */
export function startUploadSweeper(): void {
  if (sweeper) return;
  sweeper = setInterval(() => void pruneUploads().catch(() => undefined), SWEEP_EVERY_MS);
  sweeper.unref();
}

interface TUploadEntry {
  name: string;
  bytes: number;
  mtimeMs: number;
}

async function folderBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await folderBytes(full);
    else total += (await stat(full).catch(() => null))?.size ?? 0;
  }
  return total;
}

async function listUploads(root: string): Promise<TUploadEntry[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const entries = await Promise.all(
    names.map(async (name) => {
      const info = await stat(path.join(root, name)).catch(() => null);
      return info ? { name, mtimeMs: info.mtimeMs, bytes: await folderBytes(path.join(root, name)) } : null;
    }),
  );
  return entries.filter((e): e is TUploadEntry => e !== null);
}

/**
 * The sweeper: removes uploads older than UPLOAD_TTL_MS, then, while the rest plus `incoming` bytes
 * exceed TUNELAB_UPLOADS_QUOTA_MB, the oldest ones (never one younger than 10 minutes). Returns
 * whether `incoming` now fits. Failures to remove are ignored (best effort).
 */
export async function pruneUploads(now = Date.now(), incoming = 0): Promise<boolean> {
  const root = getArtifactStore().resolve(getArtifactStore().uploadsPath());
  const quota = readEnv().TUNELAB_UPLOADS_QUOTA_MB * 1024 * 1024;
  const remove = (entry: TUploadEntry) => rm(path.join(root, entry.name), { recursive: true, force: true });
  const entries = await listUploads(root);
  const kept: TUploadEntry[] = [];
  for (const entry of entries) {
    if (now - entry.mtimeMs > UPLOAD_TTL_MS) await remove(entry);
    else kept.push(entry);
  }
  kept.sort((a, b) => a.mtimeMs - b.mtimeMs);
  let total = kept.reduce((sum, e) => sum + e.bytes, 0);
  for (const entry of kept) {
    if (total + incoming <= quota) break;
    if (now - entry.mtimeMs < UPLOAD_GRACE_MS) break;
    await remove(entry);
    total -= entry.bytes;
  }
  return total + incoming <= quota;
}

export async function deleteUpload(uploadId: string): Promise<void> {
  await rm(uploadDir(uploadId), { recursive: true, force: true });
}
