// Extracts an uploaded model zip entry by entry (yauzl reads the central directory first and streams
// each entry through inflate), never holding the archive or an entry in memory. Everything is
// checked before a byte is inflated: the entry count, the declared total size (a 1 MB → 1 GiB bomb is
// refused from its directory; yauzl then stops any entry that inflates past its declared size), and
// every entry's name (normalised; backslashes, "..", absolute paths, links, empty, over-long or
// control-character names refused). Errors are HttpErrors naming the zip and the entry.
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { nameProblem } from '@tunelab/core/text';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { HttpError } from '../../../common/server/http.ts';
import { formatBytes, MAX_FILE_NAME_BYTES } from '../../../common/server/multipart.ts';

export interface TZipLimits {
  /** Most entries (files and folders) in the archive. */
  maxEntries: number;
  /** Most bytes all files together expand to. */
  maxTotalBytes: number;
}

/** A zipped model folder holds a handful of files (config, weights, tokenizer files). */
export const MAX_ZIP_ENTRIES = 64;

function openZip(zipPath: string): Promise<ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(
      zipPath,
      // decodeStrings false: names are checked here, as bytes, not rewritten by the reader
      { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true },
      (error, zip) => (error || !zip ? reject(error) : resolve(zip)),
    ),
  );
}

function readEntries(zip: ZipFile, max: number): Promise<Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: Entry[] = [];
    zip.on('entry', (entry: Entry) => {
      entries.push(entry);
      if (entries.length > max) reject(new Error(`more than ${max} entries`));
      else zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', reject);
    zip.readEntry();
  });
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** The entry's name as stored, decoded strictly (UTF-8; names without the UTF-8 flag must be ASCII). */
function entryName(entry: Entry, index: number): { name: string; shown: string } {
  const raw = entry.fileName as unknown as Buffer;
  const utf8 = (entry.generalPurposeBitFlag & 0x800) !== 0;
  let name: string;
  try {
    name = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new Error(`entry ${index + 1}: its name is not valid UTF-8`);
  }
  if (!utf8 && [...raw].some((byte) => byte > 0x7f))
    throw new Error(`entry ${index + 1}: its name is not ASCII and not marked as UTF-8`);
  const shown = JSON.stringify(name.length > 80 ? `${name.slice(0, 77)}...` : name);
  return { name, shown };
}

/** Why an entry cannot be extracted, or undefined; `name` is its stored name. */
export function zipEntryProblem(
  name: string,
  entry: Pick<Entry, 'externalFileAttributes' | 'generalPurposeBitFlag'>,
): string | undefined {
  if (name === '') return 'has an empty name';
  const problem = nameProblem(name);
  if (problem) return `its name ${problem}`;
  if (name.includes('\\')) return 'its name holds a backslash (\\); zip folders use "/"';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  const segments = name.split('/');
  if (segments.includes('..')) return 'leaves its folder ("..")';
  if (Buffer.byteLength(name) > 1024) return 'has a name longer than 1024 bytes';
  if (segments.some((s) => Buffer.byteLength(s) > MAX_FILE_NAME_BYTES))
    return `has a name part longer than ${MAX_FILE_NAME_BYTES} bytes`;
  if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) return 'is a symbolic link';
  if ((entry.generalPurposeBitFlag & 1) !== 0) return 'is encrypted';
  return undefined;
}

/**
 * Extracts the model files of `zipPath` into `into` (flat: one top folder is dropped; deeper trees,
 * hidden files and __MACOSX are skipped or refused) and returns their names.
 */
export async function extractModelZip(zipPath: string, into: string, limits: TZipLimits): Promise<string[]> {
  const zipName = path.basename(zipPath);
  const refuse = (message: string, status = 422) =>
    new HttpError(status, 'invalid_zip', `${zipName}: ${message}`);
  let zip: ZipFile;
  try {
    zip = await openZip(zipPath);
  } catch (e) {
    throw refuse(`not a readable zip (${e instanceof Error ? e.message : e})`);
  }
  try {
    if (zip.entryCount > limits.maxEntries)
      throw refuse(`has ${zip.entryCount} entries; a model folder zip holds at most ${limits.maxEntries}`);
    let entries: Entry[];
    try {
      entries = await readEntries(zip, limits.maxEntries);
    } catch (e) {
      throw refuse(`not a readable zip (${e instanceof Error ? e.message : e})`);
    }
    const files: { entry: Entry; name: string; shown: string }[] = [];
    let total = 0;
    for (const [index, entry] of entries.entries()) {
      let named: { name: string; shown: string };
      try {
        named = entryName(entry, index);
      } catch (e) {
        throw refuse((e as Error).message);
      }
      const problem = zipEntryProblem(named.name, entry);
      if (problem) throw refuse(`entry ${named.shown} ${problem}`);
      const normal = path.posix.normalize(named.name);
      if (normal.endsWith('/')) continue; // a folder
      if (normal.split('/').some((s) => s.startsWith('.') || s === '__MACOSX')) continue;
      total += entry.uncompressedSize;
      if (total > limits.maxTotalBytes)
        throw refuse(
          `expands to more than ${formatBytes(limits.maxTotalBytes)} (the limit for a model zip; at entry ${named.shown})`,
          413,
        );
      files.push({ entry, name: normal, shown: named.shown });
    }
    const tops = new Set(files.map((f) => (f.name.includes('/') ? f.name.split('/')[0] : '')));
    const flatten = tops.size === 1 && !tops.has('');
    const out: string[] = [];
    for (const file of files) {
      // one folder level is allowed (a zipped model folder); deeper trees are not a model folder
      const rel = flatten ? file.name.split('/').slice(1).join('/') : file.name;
      if (rel.includes('/'))
        throw refuse(`entry ${file.shown} is in a nested folder: zip the model folder itself`);
      if (out.includes(rel)) throw refuse(`holds ${JSON.stringify(rel)} twice`);
      out.push(rel);
      try {
        const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) =>
          zip.openReadStream(file.entry, (error, s) => (error || !s ? reject(error) : resolve(s))),
        );
        await pipeline(stream, createWriteStream(path.join(into, rel), { flags: 'wx' }));
      } catch (e) {
        // a file-system error's message holds a server path: name only its code
        const code = (e as NodeJS.ErrnoException).code;
        throw refuse(
          `entry ${file.shown} cannot be extracted (${code ?? (e instanceof Error ? e.message : e)})`,
        );
      }
    }
    return out;
  } finally {
    zip.close();
  }
}
