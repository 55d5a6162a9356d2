// Model zips: streamed out under an entry-count and expanded-size cap, names checked before anything
// is written, and any archive (fuzzed) either extracts safe flat names or is refused with a 4xx
// naming the zip; nothing is written outside the target folder.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { type Zippable, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../../../common/server/http.ts';
import { extractModelZip } from './unzip-upload.ts';

// Each case writes and extracts a file (~15-30 ms on the shared CI box), so this fuzzer runs a fifth
// of TUNELAB_FUZZ_RUNS (2,000 by default).
const RUNS = Math.ceil(Number(process.env.TUNELAB_FUZZ_RUNS ?? 10_000) / 5);
const limits = { maxEntries: 16, maxTotalBytes: 8 * 1024 * 1024 };
let root: string;
let n = 0;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'tunelab-unzip-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

/** Extracts `zip` in a fresh folder; returns the names, or the HttpError, and what is on disk. */
async function extract(zip: Uint8Array, options = limits) {
  const dir = path.join(root, `case-${n++}`);
  const into = path.join(dir, 'files');
  await mkdir(into, { recursive: true });
  const zipPath = path.join(dir, 'upload.zip');
  await writeFile(zipPath, zip);
  try {
    const names = await extractModelZip(zipPath, into, options);
    return { names, error: undefined, onDisk: (await readdir(into)).sort(), dir };
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return { names: undefined, error, onDisk: (await readdir(into)).sort(), dir };
  } finally {
    await rm(zipPath, { force: true });
  }
}

const text = (s: string) => new TextEncoder().encode(s);
const SYMLINK = { os: 3, attrs: (0o120777 << 16) >>> 0 };

describe('extractModelZip', () => {
  it('extracts a zipped model folder flat, dropping its top folder, hidden files and __MACOSX', async () => {
    const { names, onDisk } = await extract(
      zipSync({
        'tiny/config.json': text('{}'),
        'tiny/vocab.txt': text('[PAD]'),
        'tiny/.DS_Store': text('x'),
        '__MACOSX/tiny/._vocab.txt': text('x'),
      }),
    );
    expect(names?.sort()).toEqual(['config.json', 'vocab.txt']);
    expect(onDisk).toEqual(['config.json', 'vocab.txt']);
  });

  const refusals: [string, Zippable, RegExp][] = [
    [
      'a backslash path (x\\..\\..\\evil.bat)',
      { 'x\\..\\..\\..\\evil.bat': text('x') },
      /entry "x\\\\\.\.\\\\.*backslash/,
    ],
    ['a ".." entry', { '../evil.sh': text('x') }, /entry "\.\.\/evil\.sh" leaves its folder/],
    ['an absolute path', { '/etc/passwd': text('x') }, /entry "\/etc\/passwd" is an absolute path/],
    ['a drive path', { 'C:/evil.bat': text('x') }, /is an absolute path/],
    ['an empty name', { '': text('x') }, /entry "" has an empty name/],
    ['a NUL in a name', { 'con\u0000fig.json': text('x') }, /holds a NUL character/],
    ['a name over 255 bytes', { [`${'a'.repeat(300)}.json`]: text('x') }, /name part longer than 255 bytes/],
    [
      'a symbolic link',
      { 'config.json': [text('/etc/passwd'), SYMLINK] },
      /entry "config\.json" is a symbolic link/,
    ],
    ['nested folders', { 'a/b/config.json': text('x'), 'a/c.json': text('x') }, /nested folder/],
  ];
  for (const [what, files, message] of refusals) {
    it(`refuses ${what}, naming the entry, and writes nothing`, async () => {
      const { error, onDisk } = await extract(zipSync(files));
      expect(error?.status).toBe(422);
      expect(error?.message).toMatch(/^upload\.zip: /);
      expect(error?.message).toMatch(message);
      expect(onDisk).toEqual([]);
    });
  }

  it('refuses too many entries from the directory, before inflating', async () => {
    const files = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}.txt`, text('x')]));
    const { error, onDisk } = await extract(zipSync(files));
    expect(error?.message).toMatch(/has 20 entries; a model folder zip holds at most 16/);
    expect(onDisk).toEqual([]);
  });

  it('refuses a zip bomb from its declared sizes, before inflating a byte', async () => {
    const bomb = zipSync({ 'model.safetensors': new Uint8Array(32 * 1024 * 1024) }, { level: 9 });
    expect(bomb.byteLength).toBeLessThan(100_000);
    const { error, onDisk } = await extract(bomb);
    expect(error?.status).toBe(413);
    expect(error?.message).toMatch(/expands to more than 8\.0 MB/);
    expect(onDisk).toEqual([]);
  });

  it('stops an entry that inflates past the size its directory declares', async () => {
    const zip = zipSync({ 'model.safetensors': new Uint8Array(4 * 1024 * 1024) }, { level: 9 });
    // declare 10 bytes in the central directory (its file header starts with PK\x01\x02)
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    for (let i = zip.byteLength - 22; i >= 0; i--) {
      if (view.getUint32(i, true) === 0x02014b50) {
        view.setUint32(i + 24, 10, true);
        break;
      }
    }
    const { error } = await extract(zip);
    expect(error?.status).toBe(422);
    expect(error?.message).toMatch(/entry "model\.safetensors" cannot be extracted/);
  });

  it('fuzzed archives: safe flat names, or a 4xx naming the zip; nothing outside the folder', async () => {
    const unit = fc.constantFrom(
      'a',
      '/',
      '\\',
      '.',
      '..',
      ':',
      'C',
      '\u0000',
      'é',
      '_',
      ' ',
      'x'.repeat(130),
    );
    const name = fc.string({ unit, maxLength: 6 });
    const entry = fc.tuple(
      name,
      fc.uint8Array({ maxLength: 16 }),
      fc.option(fc.constantFrom(SYMLINK, { os: 3, attrs: (0o100644 << 16) >>> 0 }), { nil: undefined }),
    );
    const archive = fc.array(entry, { maxLength: 5 }).map((entries) => {
      const files: Zippable = {};
      for (const [k, data, attrs] of entries) files[k] = attrs ? [data, attrs] : data;
      return zipSync(files);
    });
    // and byte-level damage of a valid archive
    const damaged = fc
      .tuple(fc.uint8Array({ maxLength: 6 }), fc.nat(), fc.boolean())
      .map(([bytes, at, truncate]) => {
        const zip = zipSync({ 'config.json': text('{"a":1}'), 'vocab.txt': text('[PAD]\n') });
        const out = truncate ? zip.slice(0, at % zip.byteLength) : zip.slice();
        if (!truncate)
          bytes.forEach((b, i) => {
            out[(at + i) % out.byteLength] = b;
          });
        return out;
      });
    await fc.assert(
      fc.asyncProperty(fc.oneof(archive, damaged), async (zip) => {
        const { names, error, onDisk, dir } = await extract(zip);
        if (error) {
          expect(error.status).toBeGreaterThanOrEqual(400);
          expect(error.status).toBeLessThan(500);
          expect(error.message).toMatch(/^upload\.zip: ./);
        } else {
          for (const name of names ?? []) {
            expect(name).not.toMatch(/[/\\]|^\.\.?$/);
            expect(name.includes('\u0000')).toBe(false);
            expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
          }
          expect(onDisk).toEqual([...(names ?? [])].sort());
        }
        // nothing next to the folder but the folder (the zip itself is removed by extract)
        expect(await readdir(dir)).toEqual(['files']);
        await rm(dir, { recursive: true, force: true });
      }),
      { numRuns: RUNS },
    );
  }, 300_000);
});
