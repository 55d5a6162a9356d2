import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { getArtifactStore, readEnv } from '@tunelab/db';
import busboy from 'busboy';
import { unzipSync } from 'fflate';

export class UploadError extends Error {}

export interface ReceivedUpload {
  /** Absolute folder holding the uploaded files (a .zip is already extracted). */
  dir: string;
  /** Relative artifact path of that folder (for cleanup). */
  rel: string;
  files: string[];
  fields: Record<string, string>;
}

/**
 * Streams a multipart upload into a fresh folder under the artifact store's uploads/, so large
 * safetensors files never sit in memory. One .zip of a model folder is extracted (fflate); a zip with
 * a single top folder is flattened. Caller removes `rel` when done.
 */
export async function receiveUpload(req: Request): Promise<ReceivedUpload> {
  const type = req.headers.get('content-type') ?? '';
  if (!type.startsWith('multipart/form-data')) throw new UploadError('Send the files as multipart/form-data');
  if (!req.body) throw new UploadError('The request has no body');
  const store = getArtifactStore();
  const rel = path.posix.join(store.uploadsPath(), randomUUID());
  const dir = await store.ensureDir(rel);
  const maxBytes = readEnv().TUNELAB_MAX_UPLOAD_MB * 1024 * 1024;
  const fields: Record<string, string> = {};
  const files: string[] = [];
  const writes: Promise<void>[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const bb = busboy({ headers: { 'content-type': type }, limits: { fileSize: maxBytes, files: 20 } });
      bb.on('field', (name, value) => {
        fields[name] = value;
      });
      bb.on('file', (_name, stream, info) => {
        const base = path.basename(info.filename || '');
        if (!base || base.startsWith('.')) {
          stream.resume();
          return;
        }
        files.push(base);
        stream.on('limit', () =>
          reject(new UploadError(`${base} is larger than ${readEnv().TUNELAB_MAX_UPLOAD_MB} MB`)),
        );
        writes.push(pipeline(stream, createWriteStream(path.join(dir, base))));
      });
      bb.on('error', reject);
      bb.on('close', () => resolve());
      Readable.fromWeb(req.body as unknown as WebReadableStream).pipe(bb);
    });
    await Promise.all(writes);
    if (files.length === 1 && files[0]?.toLowerCase().endsWith('.zip')) {
      const zipName = files[0];
      const extracted = await extractZip(path.join(dir, zipName), dir);
      await rm(path.join(dir, zipName));
      files.splice(0, 1, ...extracted);
    }
    if (files.length === 0) throw new UploadError('No files were uploaded');
    return { dir, rel, files, fields };
  } catch (e) {
    await store.remove(rel);
    throw e;
  }
}

async function extractZip(zipPath: string, into: string): Promise<string[]> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(await readFile(zipPath)));
  } catch (e) {
    throw new UploadError(
      `${path.basename(zipPath)} is not a readable zip: ${e instanceof Error ? e.message : e}`,
    );
  }
  const names = Object.keys(entries).filter(
    (n) => !n.endsWith('/') && !n.includes('__MACOSX') && !path.basename(n).startsWith('.'),
  );
  const tops = new Set(names.map((n) => (n.includes('/') ? n.split('/')[0] : '')));
  const out: string[] = [];
  for (const name of names) {
    // one folder level is allowed (a zipped model folder); deeper trees are not a model folder
    const rel = tops.size === 1 && !tops.has('') ? name.split('/').slice(1).join('/') : name;
    if (rel.includes('/'))
      throw new UploadError(`The zip contains nested folders (${name}): zip the model folder itself`);
    await writeFile(path.join(into, rel), entries[name] as Uint8Array);
    out.push(rel);
  }
  return out;
}
