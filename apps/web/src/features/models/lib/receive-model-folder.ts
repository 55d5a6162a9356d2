import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { HttpError } from '../../../common/server/http.ts';
import { type ReceivedMultipart, receiveMultipart } from '../../../common/server/multipart.ts';

export interface ReceivedModelFolder extends Omit<ReceivedMultipart, 'files'> {
  /** Names of the model's files in `dir` (a .zip is already extracted). */
  files: string[];
}

/**
 * Receives a model folder's files (or one .zip of it, extracted with fflate; a zip with a single top
 * folder is flattened) through the shared multipart receiver. Caller removes `rel` when done.
 */
export async function receiveModelFolder(req: Request): Promise<ReceivedModelFolder> {
  const upload = await receiveMultipart(req, { maxFiles: 20 });
  try {
    const files = upload.files.map((f) => f.name);
    if (files.length === 1 && files[0]?.toLowerCase().endsWith('.zip')) {
      const zipName = files[0];
      const extracted = await extractZip(path.join(upload.dir, zipName), upload.dir);
      await rm(path.join(upload.dir, zipName));
      files.splice(0, 1, ...extracted);
    }
    return { ...upload, files };
  } catch (e) {
    await rm(path.dirname(upload.dir), { recursive: true, force: true });
    throw e;
  }
}

async function extractZip(zipPath: string, into: string): Promise<string[]> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(await readFile(zipPath)));
  } catch (e) {
    throw new HttpError(
      422,
      'invalid_zip',
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
      throw new HttpError(
        422,
        'invalid_zip',
        `The zip contains nested folders (${name}): zip the model folder itself`,
      );
    await writeFile(path.join(into, rel), entries[name] as Uint8Array);
    out.push(rel);
  }
  return out;
}
