import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { getArtifactStore, readEnv } from '@tunelab/db';
import busboy from 'busboy';
import { z } from 'zod';

/** An HTTP-level upload problem (size, missing file); the status goes to the response as is. */
export class UploadError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

export const ZStoredUpload = z.object({
  uploadId: z.uuid(),
  fileName: z.string(),
  size: z.number().int().nonnegative(),
  path: z.string(),
});
export type TStoredUpload = z.infer<typeof ZStoredUpload>;

export function maxUploadBytes(): number {
  return Math.floor(readEnv().TUNELAB_MAX_UPLOAD_MB * 1024 * 1024);
}

function uploadDir(uploadId: string): string {
  if (!z.uuid().safeParse(uploadId).success) {
    throw new UploadError(400, 'invalid_upload_id', `uploadId "${uploadId}" is not a valid upload id`);
  }
  return getArtifactStore().resolve(path.posix.join(getArtifactStore().uploadsPath(), uploadId));
}

/**
 * Streams the multipart request's single file to disk (never the whole file in memory), enforcing
 * TUNELAB_MAX_UPLOAD_MB, and collects the other form fields. A file over the limit is deleted.
 */
export async function receiveUpload(
  request: Request,
): Promise<{ upload: TStoredUpload; fields: Record<string, string> }> {
  const limit = maxUploadBytes();
  const limitText = `${readEnv().TUNELAB_MAX_UPLOAD_MB} MB limit (TUNELAB_MAX_UPLOAD_MB)`;
  const contentType = request.headers.get('content-type') ?? '';
  if (!contentType.startsWith('multipart/form-data')) {
    throw new UploadError(
      415,
      'unsupported_media_type',
      'Send the file as multipart/form-data (field "file")',
    );
  }
  const declared = Number(request.headers.get('content-length') ?? 0);
  // Multipart framing adds a little; anything far above the limit is refused before reading it.
  if (declared > limit + 1024 * 1024) {
    throw new UploadError(
      413,
      'too_large',
      `The upload (${formatBytes(declared)}) is larger than the ${limitText}`,
    );
  }
  if (!request.body)
    throw new UploadError(400, 'no_file', 'The request has no body: attach a file in field "file"');

  await pruneUploads();
  const uploadId = randomUUID();
  const dir = uploadDir(uploadId);
  await mkdir(dir, { recursive: true });
  const filePath = path.join(dir, 'upload.bin');
  const fields: Record<string, string> = {};
  let fileName: string | undefined;
  let size = 0;
  let truncated = false;
  let fileWrite: Promise<void> | undefined;

  try {
    const parser = busboy({
      headers: { 'content-type': contentType },
      limits: { fileSize: limit, files: 1, fields: 50, fieldSize: 1024 * 1024 },
    });
    parser.on('file', (_name, stream, info) => {
      fileName = info.filename || 'upload';
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      stream.on('limit', () => {
        truncated = true;
      });
      fileWrite = pipeline(stream, createWriteStream(filePath));
    });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    await pipeline(Readable.fromWeb(request.body as unknown as WebReadableStream), parser);
    await fileWrite;
    if (truncated) {
      throw new UploadError(413, 'too_large', `${fileName} is larger than the ${limitText}`);
    }
    if (!fileName) throw new UploadError(400, 'no_file', 'No file in the upload: attach it in field "file"');
    const upload = { uploadId, fileName, size, path: filePath };
    await writeFile(path.join(dir, 'meta.json'), JSON.stringify(upload));
    return { upload, fields };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Finds an upload stored by an earlier inspect request. */
export async function findUpload(uploadId: string): Promise<TStoredUpload> {
  const dir = uploadDir(uploadId);
  let raw: string;
  try {
    raw = await readFile(path.join(dir, 'meta.json'), 'utf8');
  } catch {
    throw new UploadError(
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

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}
