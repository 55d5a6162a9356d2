import {
  DEFAULT_FILE_NAME,
  DTYPE_SIZE,
  isSafetensorsDType,
  SafetensorsError,
  type SafetensorsHeader,
  shapeSize,
  type TensorInfo,
} from './types.ts';

/** The reference implementation refuses headers above 100 MB; so do we (a corrupt length would OOM). */
export const MAX_HEADER_LENGTH = 100_000_000;

/**
 * Reads the u64 little-endian header length from the first 8 bytes and checks it against the file
 * size. Shared by the in-memory parser and the streaming reader, which only has the prefix.
 */
export function readHeaderLength(prefix: Uint8Array, fileSize: number, file: string): number {
  if (prefix.byteLength < 8 || fileSize < 8) {
    throw new SafetensorsError(file, `file is ${fileSize} bytes, too short for the 8-byte header length`);
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const big = view.getBigUint64(0, true);
  if (big > BigInt(MAX_HEADER_LENGTH)) {
    throw new SafetensorsError(file, `header length ${big} exceeds the ${MAX_HEADER_LENGTH}-byte limit`);
  }
  const headerLength = Number(big);
  if (8 + headerLength > fileSize) {
    throw new SafetensorsError(
      file,
      `header length ${headerLength} at byte 0 runs past the end of the file (${fileSize} bytes)`,
    );
  }
  return headerLength;
}

function isNonNegativeInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/**
 * Parses and validates the JSON header. `headerBytes` are exactly the header's bytes;
 * `dataLength` is the size of the data section (file size − 8 − header length).
 * Checks: valid UTF-8 JSON object, string metadata, known dtype, integer non-negative dims and
 * offsets, shape × dtype size = byte length, ranges inside the data section with no overlap, no
 * gap and no trailing bytes (as the reference implementation requires).
 */
export function parseHeaderJson(
  headerBytes: Uint8Array,
  headerLength: number,
  dataLength: number,
  file: string,
): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    throw new SafetensorsError(file, `header (bytes 8..${8 + headerLength}) is not valid UTF-8`);
  }
  if (!text.startsWith('{')) {
    throw new SafetensorsError(file, `header at byte 8 does not start with '{'`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(file, `header is not valid JSON: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new SafetensorsError(file, 'header JSON is not an object');
  }
  const metadata: Record<string, string> = {};
  const tensors: TensorInfo[] = [];
  for (const [name, entry] of Object.entries(json as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (entry === null) continue; // the reference implementation reads null as "no metadata"
      if (typeof entry !== 'object' || Array.isArray(entry)) {
        throw new SafetensorsError(file, '__metadata__ is not an object of strings');
      }
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== 'string') {
          throw new SafetensorsError(file, `__metadata__ value for "${k}" is ${typeof v}, expected a string`);
        }
        metadata[k] = v;
      }
      continue;
    }
    tensors.push(parseEntry(name, entry, dataLength, file));
  }
  checkRanges(tensors, dataLength, file);
  return { headerLength, dataOffset: 8 + headerLength, tensors, metadata };
}

function parseEntry(name: string, entry: unknown, dataLength: number, file: string): TensorInfo {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    throw new SafetensorsError(file, 'header entry is not an object', name);
  }
  const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
  if (!isSafetensorsDType(dtype)) {
    throw new SafetensorsError(file, `unknown dtype ${JSON.stringify(dtype)}`, name);
  }
  if (!Array.isArray(shape)) {
    throw new SafetensorsError(file, `shape ${JSON.stringify(shape)} is not an array`, name);
  }
  shape.forEach((d, i) => {
    if (!isNonNegativeInteger(d)) {
      throw new SafetensorsError(
        file,
        `shape[${i}] = ${JSON.stringify(d)} is not a non-negative integer`,
        name,
      );
    }
  });
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    throw new SafetensorsError(file, `data_offsets ${JSON.stringify(offsets)} is not [begin, end]`, name);
  }
  const [begin, end] = offsets as [unknown, unknown];
  if (!isNonNegativeInteger(begin) || !isNonNegativeInteger(end)) {
    throw new SafetensorsError(
      file,
      `data_offsets ${JSON.stringify(offsets)} are not non-negative integers`,
      name,
    );
  }
  if (end < begin) {
    throw new SafetensorsError(file, `data_offsets [${begin}, ${end}] end before they begin`, name);
  }
  if (end > dataLength) {
    throw new SafetensorsError(
      file,
      `data_offsets [${begin}, ${end}] run past the data section (${dataLength} bytes)`,
      name,
    );
  }
  const dims = shape as number[];
  const expected = shapeSize(dims) * DTYPE_SIZE[dtype];
  if (end - begin !== expected) {
    throw new SafetensorsError(
      file,
      `byte length ${end - begin} does not match shape [${dims.join(', ')}] × ${dtype} (${expected} bytes)`,
      name,
    );
  }
  return { name, dtype, shape: [...dims], begin, end };
}

function checkRanges(tensors: TensorInfo[], dataLength: number, file: string): void {
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: string | undefined;
  for (const t of tensors) {
    if (t.begin < cursor) {
      throw new SafetensorsError(
        file,
        `data_offsets [${t.begin}, ${t.end}] overlap tensor "${previous}" (ends at ${cursor})`,
        t.name,
      );
    }
    if (t.begin > cursor) {
      throw new SafetensorsError(
        file,
        `gap of ${t.begin - cursor} unused bytes before it (data bytes ${cursor}..${t.begin})`,
        t.name,
      );
    }
    cursor = t.end;
    previous = t.name;
  }
  if (cursor !== dataLength) {
    throw new SafetensorsError(
      file,
      `data section has ${dataLength - cursor} trailing bytes after the last tensor (data bytes ${cursor}..${dataLength})`,
    );
  }
}

/**
 * Parses the header of a complete safetensors buffer (`bytes` is the whole file).
 * @example parseSafetensorsHeader(bytes).tensors[0] // { name, dtype: 'F32', shape: [2, 3], begin: 0, end: 24 }
 */
export function parseSafetensorsHeader(bytes: Uint8Array, fileName = DEFAULT_FILE_NAME): SafetensorsHeader {
  const headerLength = readHeaderLength(bytes, bytes.byteLength, fileName);
  const dataLength = bytes.byteLength - 8 - headerLength;
  return parseHeaderJson(bytes.subarray(8, 8 + headerLength), headerLength, dataLength, fileName);
}
