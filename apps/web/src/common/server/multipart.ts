// The one multipart receiver: dataset uploads (one file) and model imports (a folder's files or a
// zip) both stream through here, so limits and error messages are the same everywhere.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { nameProblem } from '@tunelab/core/text';
import { getArtifactStore, readEnv } from '@tunelab/db';
import busboy from 'busboy';
import { HttpError } from './http.ts';

export interface ReceivedFile {
  /** The file's base name as the client sent it. */
  name: string;
  /** Absolute path of the stored copy. */
  path: string;
  size: number;
}

export interface ReceivedMultipart {
  /** Random id of this upload; its folder is uploads/<uploadId>/. */
  uploadId: string;
  /** Absolute folder holding only the received files (nothing else is written there). */
  dir: string;
  /** Artifact-relative path of the upload's whole folder: remove it when done. */
  rel: string;
  files: ReceivedFile[];
  fields: Record<string, string>;
}

export function maxUploadBytes(): number {
  return Math.floor(readEnv().TUNELAB_MAX_UPLOAD_MB * 1024 * 1024);
}

/** Artifact-relative folder of an upload id (the id is checked, so it cannot leave uploads/). */
export function uploadFolder(uploadId: string): string {
  if (!/^[0-9a-f-]{36}$/i.test(uploadId)) {
    throw new HttpError(400, 'invalid_upload_id', `uploadId "${uploadId}" is not a valid upload id`);
  }
  return path.posix.join(getArtifactStore().uploadsPath(), uploadId);
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

/** Longest file name most file systems store (ext4, APFS, NTFS: 255 bytes or UTF-16 units). */
export const MAX_FILE_NAME_BYTES = 255;

/**
 * The base name of a client's file name: the part after the last "/" or "\" (old browsers send
 * "C:\\Users\\me\\data.csv"), so a stored name never holds a separator.
 */
export function uploadFileName(raw: string): string {
  return raw.slice(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1).trim();
}

/** Why a file name cannot be stored as given (NUL or control characters, over 255 bytes), or undefined. */
export function fileNameProblem(name: string): string | undefined {
  const shown = JSON.stringify(name.length > 60 ? `${name.slice(0, 57)}...` : name);
  const problem = nameProblem(name);
  if (problem) return `The file name ${shown} ${problem}`;
  const bytes = Buffer.byteLength(name);
  if (bytes > MAX_FILE_NAME_BYTES)
    return `The file name ${shown} is ${bytes} bytes long; at most ${MAX_FILE_NAME_BYTES} bytes`;
  if (name === '..' || name === '.') return `The file name ${shown} is not a file name`;
  return undefined;
}

/**
 * Streams a multipart/form-data request's files to uploads/<id>/files/ (never a whole file in
 * memory), enforcing TUNELAB_MAX_UPLOAD_MB per file and `maxFiles`, and collects the other fields.
 * Hidden files (".DS_Store") are skipped. On any error the folder is removed and an HttpError
 * (415, 413 or 400) says what to send instead.
 */
export async function receiveMultipart(
  request: Request,
  { maxFiles }: { maxFiles: number },
): Promise<ReceivedMultipart> {
  const limit = maxUploadBytes();
  const limitText = `${readEnv().TUNELAB_MAX_UPLOAD_MB} MB limit (TUNELAB_MAX_UPLOAD_MB)`;
  const contentType = request.headers.get('content-type') ?? '';
  const what = maxFiles === 1 ? 'the file' : 'the files';
  if (!contentType.startsWith('multipart/form-data')) {
    throw new HttpError(415, 'unsupported_media_type', `Send ${what} as multipart/form-data (field "file")`);
  }
  const declared = Number(request.headers.get('content-length') ?? 0);
  // Multipart framing adds a little; anything far above the limit is refused before reading it.
  if (declared > maxFiles * limit + 1024 * 1024) {
    throw new HttpError(
      413,
      'too_large',
      `The upload (${formatBytes(declared)}) is larger than the ${limitText}`,
    );
  }
  if (!request.body) {
    throw new HttpError(400, 'no_file', 'The request has no body: attach a file in field "file"');
  }
  const store = getArtifactStore();
  const uploadId = randomUUID();
  const rel = uploadFolder(uploadId);
  const dir = store.resolve(path.posix.join(rel, 'files'));
  await mkdir(dir, { recursive: true });
  const fields: Record<string, string> = {};
  const files: ReceivedFile[] = [];
  const writes: Promise<void>[] = [];
  let tooLarge: string | undefined;
  let badName: HttpError | undefined;
  try {
    const parser = busboy({
      headers: { 'content-type': contentType },
      // browsers send file names as raw UTF-8 (busboy's default reads them as Latin-1)
      defParamCharset: 'utf8',
      limits: { fileSize: limit, files: maxFiles, fields: 50, fieldSize: 1024 * 1024 },
    });
    parser.on('file', (_name, stream, info) => {
      const name = uploadFileName(info.filename || (maxFiles === 1 ? 'upload' : ''));
      if (!name || name.startsWith('.') || files.some((f) => f.name === name)) {
        stream.resume();
        return;
      }
      const problem = fileNameProblem(name);
      if (problem) {
        badName ??= new HttpError(400, 'invalid_file_name', problem);
        stream.resume();
        return;
      }
      const file: ReceivedFile = { name, path: path.join(dir, name), size: 0 };
      files.push(file);
      stream.on('data', (chunk: Buffer) => {
        file.size += chunk.length;
      });
      stream.on('limit', () => {
        tooLarge = name;
      });
      writes.push(pipeline(stream, createWriteStream(file.path)));
    });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    await pipeline(Readable.fromWeb(request.body as unknown as WebReadableStream), parser);
    await Promise.all(writes);
    if (badName) throw badName;
    if (tooLarge) throw new HttpError(413, 'too_large', `${tooLarge} is larger than the ${limitText}`);
    if (files.length === 0) {
      throw new HttpError(400, 'no_file', 'No file in the upload: attach it in field "file"');
    }
    return { uploadId, dir, rel, files, fields };
  } catch (error) {
    await rm(store.resolve(rel), { recursive: true, force: true });
    throw malformedUpload(error);
  }
}

/** busboy's parse errors are the client's: a 400 that names them; anything else passes unchanged. */
function malformedUpload(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof HttpError) return error;
  if (error.name === 'AbortError' || 'errno' in error) return error;
  if (/^(Malformed|Unexpected end of form|Multipart: )/i.test(error.message))
    return new HttpError(
      400,
      'malformed_upload',
      `The upload is not well-formed multipart/form-data: ${error.message} (a NUL or line break in a part header or file name?)`,
    );
  return error;
}
