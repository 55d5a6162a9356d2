import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { float32ToBytes } from './decode.ts';
import { DEFAULT_FILE_NAME, type F32Tensor, SafetensorsError, shapeSize, type TensorMap } from './types.ts';

export interface TensorLayoutEntry {
  name: string;
  shape: number[];
}

interface PlannedTensor {
  name: string;
  shape: number[];
  size: number;
  begin: number;
  end: number;
}

interface Plan {
  header: Uint8Array;
  dataOffset: number;
  byName: Map<string, PlannedTensor>;
  ordered: PlannedTensor[];
  totalBytes: number;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Lays out F32 tensors the way the reference implementation does: names sorted, data contiguous in
 * that order, compact JSON header with `__metadata__` first, padded with spaces to a multiple of 8
 * so the data section starts 8-byte aligned.
 */
export function planSafetensorsLayout(
  layout: Iterable<TensorLayoutEntry>,
  metadata: Record<string, string> | undefined,
  file: string,
): Plan {
  const entries = [...layout];
  const seen = new Set<string>();
  for (const { name, shape } of entries) {
    if (name === '__metadata__')
      throw new SafetensorsError(file, 'the name "__metadata__" is reserved', name);
    if (seen.has(name)) throw new SafetensorsError(file, 'appears twice in the tensors to write', name);
    seen.add(name);
    shape.forEach((d, i) => {
      if (!Number.isSafeInteger(d) || d < 0) {
        throw new SafetensorsError(file, `shape[${i}] = ${d} is not a non-negative integer`, name);
      }
    });
  }
  entries.sort((a, b) => byCodeUnit(a.name, b.name));
  const json: Record<string, unknown> = {};
  if (metadata !== undefined) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string')
        throw new SafetensorsError(file, `metadata value for "${k}" is not a string`);
    }
    json.__metadata__ = metadata;
  }
  const ordered: PlannedTensor[] = [];
  let cursor = 0;
  for (const { name, shape } of entries) {
    const size = shapeSize(shape);
    const t = { name, shape: [...shape], size, begin: cursor, end: cursor + size * 4 };
    cursor = t.end;
    ordered.push(t);
    json[name] = { dtype: 'F32', shape: t.shape, data_offsets: [t.begin, t.end] };
  }
  const text = new TextEncoder().encode(JSON.stringify(json));
  const padded = Math.ceil(text.byteLength / 8) * 8;
  const header = new Uint8Array(8 + padded).fill(0x20, 8 + text.byteLength);
  new DataView(header.buffer).setBigUint64(0, BigInt(padded), true);
  header.set(text, 8);
  return {
    header,
    dataOffset: header.byteLength,
    byName: new Map(ordered.map((t) => [t.name, t])),
    ordered,
    totalBytes: header.byteLength + cursor,
  };
}

function checkData(t: PlannedTensor, data: Float32Array, file: string): void {
  if (data.length !== t.size) {
    throw new SafetensorsError(
      file,
      `has ${data.length} values but shape [${t.shape.join(', ')}] needs ${t.size}`,
      t.name,
    );
  }
}

function entriesOf(tensors: Iterable<[string, F32Tensor]> | TensorMap): [string, F32Tensor][] {
  return [...tensors];
}

/** Serialises F32 tensors to a complete safetensors buffer (see {@link planSafetensorsLayout}). */
export function writeSafetensors(
  tensors: Iterable<[string, F32Tensor]> | TensorMap,
  metadata?: Record<string, string>,
): Uint8Array {
  const list = entriesOf(tensors);
  const plan = planSafetensorsLayout(
    list.map(([name, t]) => ({ name, shape: t.shape })),
    metadata,
    DEFAULT_FILE_NAME,
  );
  const out = new Uint8Array(plan.totalBytes);
  out.set(plan.header, 0);
  for (const [name, t] of list) {
    const p = plan.byName.get(name) as PlannedTensor;
    checkData(p, t.data, DEFAULT_FILE_NAME);
    out.set(float32ToBytes(t.data), plan.dataOffset + p.begin);
  }
  return out;
}

/**
 * Writes a safetensors file tensor by tensor: the header is computed from the layout up front
 * (F32 sizes follow from shapes), so each tensor has a fixed position and `write` may be called in
 * any order, holding only one tensor in memory. Output goes to a temporary file beside `path`,
 * renamed into place by `finish()`, so readers never see a half-written file.
 */
export class SafetensorsStreamWriter {
  readonly path: string;
  private readonly plan: Plan;
  private readonly tmpPath: string;
  private readonly written = new Set<string>();
  private handle: Promise<FileHandle> | undefined;
  private done = false;

  constructor(path: string, layout: TensorLayoutEntry[], metadata?: Record<string, string>) {
    this.path = path;
    this.plan = planSafetensorsLayout(layout, metadata, path);
    this.tmpPath = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  }

  private file(): Promise<FileHandle> {
    this.handle ??= (async () => {
      const fh = await open(this.tmpPath, 'w');
      await fh.write(this.plan.header, 0, this.plan.header.byteLength, 0);
      return fh;
    })();
    return this.handle;
  }

  async write(name: string, data: Float32Array): Promise<void> {
    if (this.done) throw new SafetensorsError(this.path, 'write after finish() or abort()', name);
    const t = this.plan.byName.get(name);
    if (!t) throw new SafetensorsError(this.path, 'is not in the layout given to the writer', name);
    if (this.written.has(name)) throw new SafetensorsError(this.path, 'was already written', name);
    checkData(t, data, this.path);
    this.written.add(name);
    const fh = await this.file();
    const bytes = float32ToBytes(data);
    await fh.write(bytes, 0, bytes.byteLength, this.plan.dataOffset + t.begin);
  }

  /** Checks every tensor was written, then closes and renames the file into place. */
  async finish(): Promise<void> {
    if (this.done) throw new SafetensorsError(this.path, 'finish() called twice or after abort()');
    const missing = this.plan.ordered.filter((t) => !this.written.has(t.name)).map((t) => t.name);
    if (missing.length > 0) {
      await this.abort();
      throw new SafetensorsError(
        this.path,
        `finish() before writing ${missing.length} tensor(s): ${missing.slice(0, 10).join(', ')}`,
      );
    }
    const fh = await this.file();
    this.done = true;
    await fh.truncate(this.plan.totalBytes);
    await fh.sync();
    await fh.close();
    await rename(this.tmpPath, this.path);
  }

  /** Discards the temporary file; the destination is left untouched. */
  async abort(): Promise<void> {
    this.done = true;
    if (this.handle) {
      const fh = await this.handle.catch(() => undefined);
      await fh?.close().catch(() => undefined);
      await unlink(this.tmpPath).catch(() => undefined);
    }
  }
}

/** Writes F32 tensors to `path` atomically (temporary file + rename), one tensor at a time. */
export async function writeSafetensorsFile(
  path: string,
  tensors: Iterable<[string, F32Tensor]> | TensorMap,
  metadata?: Record<string, string>,
): Promise<void> {
  const list = entriesOf(tensors);
  const writer = new SafetensorsStreamWriter(
    path,
    list.map(([name, t]) => ({ name, shape: t.shape })),
    metadata,
  );
  try {
    for (const [name, t] of list) await writer.write(name, t.data);
  } catch (e) {
    await writer.abort();
    throw e;
  }
  await writer.finish();
}
