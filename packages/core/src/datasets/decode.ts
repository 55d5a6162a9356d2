import { DatasetError } from './errors.ts';

/**
 * Decodes UTF-8 chunk by chunk (a leading BOM is dropped). Invalid bytes are an error rather than
 * U+FFFD replacement characters, which would silently corrupt the texts a model is trained on.
 * The error names the line and byte offset so the user can find it (often a Latin-1/Windows-1252
 * export).
 */
export async function* decodeUtf8(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  fileName = 'file',
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let offset = 0;
  let line = 1;
  for await (const chunk of chunks) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw invalidUtf8(fileName, chunk, offset, line);
    }
    offset += chunk.byteLength;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) line += 1;
    if (text) yield text;
  }
  let tail: string;
  try {
    tail = decoder.decode();
  } catch {
    throw new DatasetError(
      'invalid_encoding',
      `${fileName} is not valid UTF-8: it ends inside a multi-byte character`,
    );
  }
  if (tail) yield tail;
}

/** Finds the first invalid sequence in `chunk` to report where it is. */
function invalidUtf8(
  fileName: string,
  chunk: Uint8Array,
  chunkOffset: number,
  lineAtChunk: number,
): DatasetError {
  const probe = new TextDecoder('utf-8', { fatal: true });
  let low = 0;
  let high = chunk.byteLength;
  // Binary search for the longest valid prefix (a prefix may end mid-character: stream mode).
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(chunk.subarray(0, mid), { stream: true });
      low = mid;
    } catch {
      high = mid - 1;
    }
  }
  // A prefix ending in an unfinished sequence is "valid" in stream mode; the culprit is then that
  // sequence's lead byte (the byte the user sees, e.g. Latin-1 0xE9 for "é").
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(chunk.subarray(0, low));
  } catch {
    let start = low - 1;
    while (start > 0 && ((chunk[start] ?? 0) & 0xc0) === 0x80) start -= 1;
    low = Math.max(start, 0);
  }
  let line = lineAtChunk;
  const valid = probe.decode(chunk.subarray(0, low), { stream: true });
  for (let i = 0; i < valid.length; i++) if (valid.charCodeAt(i) === 10) line += 1;
  const byte = chunk[low] ?? 0;
  return new DatasetError(
    'invalid_encoding',
    `${fileName} is not valid UTF-8 (byte 0x${byte.toString(16).padStart(2, '0')} at offset ${chunkOffset + low}, line ${line}); save it as UTF-8 and upload again`,
  );
}

/** Convenience for tests and small inputs. */
export async function* bytesOf(
  input: string | Uint8Array,
  chunkSize = 64 * 1024,
): AsyncGenerator<Uint8Array> {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  for (let i = 0; i < bytes.byteLength; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
}
