import { open, readFile } from 'node:fs/promises';
import { decodeTensor } from './decode.ts';
import { parseHeaderJson, parseSafetensorsHeader, readHeaderLength } from './header.ts';
import {
  DEFAULT_FILE_NAME,
  type F32Tensor,
  SafetensorsError,
  type TensorInfo,
  type TensorMap,
} from './types.ts';

/** Decodes every tensor of a complete safetensors buffer to float32, in data order. */
export function readSafetensors(bytes: Uint8Array, fileName = DEFAULT_FILE_NAME): TensorMap {
  const header = parseSafetensorsHeader(bytes, fileName);
  const out: TensorMap = new Map();
  for (const info of header.tensors) {
    const raw = bytes.subarray(header.dataOffset + info.begin, header.dataOffset + info.end);
    out.set(info.name, decodeTensor(info, raw, fileName));
  }
  return out;
}

/** Reads and decodes a whole safetensors file. For large files prefer {@link openSafetensors}. */
export async function readSafetensorsFile(path: string): Promise<TensorMap> {
  const buf = await readFile(path);
  return readSafetensors(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), path);
}

/** A safetensors file opened for tensor-by-tensor reading; only the header is held in memory. */
export interface SafetensorsReader {
  path: string;
  /** Tensors in data order. */
  tensors: TensorInfo[];
  metadata: Record<string, string>;
  /** Header entry of one tensor, or undefined. */
  info(name: string): TensorInfo | undefined;
  /** Reads one tensor and decodes it to float32. */
  read(name: string): Promise<F32Tensor>;
  /** Reads one tensor's bytes as stored (little-endian, its own dtype). */
  readRaw(name: string): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Opens a safetensors file, reading and validating only its header up front. */
export async function openSafetensors(path: string): Promise<SafetensorsReader> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const prefix = new Uint8Array(8);
    await fh.read(prefix, 0, Math.min(8, size), 0);
    const headerLength = readHeaderLength(prefix, size, path);
    const headerBytes = new Uint8Array(headerLength);
    await fh.read(headerBytes, 0, headerLength, 8);
    const header = parseHeaderJson(headerBytes, headerLength, size - 8 - headerLength, path);
    const byName = new Map(header.tensors.map((t) => [t.name, t]));
    let closed = false;
    const lookup = (name: string): TensorInfo => {
      if (closed) throw new SafetensorsError(path, 'read after close()', name);
      const info = byName.get(name);
      if (!info) throw new SafetensorsError(path, `not in this file (it has ${byName.size} tensors)`, name);
      return info;
    };
    const readRaw = async (name: string): Promise<Uint8Array> => {
      const info = lookup(name);
      const length = info.end - info.begin;
      const out = new Uint8Array(length);
      const position = header.dataOffset + info.begin;
      let done = 0;
      while (done < length) {
        const { bytesRead } = await fh.read(out, done, length - done, position + done);
        if (bytesRead === 0) {
          throw new SafetensorsError(path, `file ended at byte ${position + done} while reading`, name);
        }
        done += bytesRead;
      }
      return out;
    };
    return {
      path,
      tensors: header.tensors,
      metadata: header.metadata,
      info: (name) => byName.get(name),
      readRaw,
      read: async (name) => decodeTensor(lookup(name), await readRaw(name), path),
      close: async () => {
        if (closed) return;
        closed = true;
        await fh.close();
      },
    };
  } catch (e) {
    await fh.close();
    throw e;
  }
}
