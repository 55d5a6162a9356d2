import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeTensor,
  type F32Tensor,
  halfToFloat,
  openSafetensors,
  parseSafetensorsHeader,
  readSafetensors,
  readSafetensorsFile,
  SafetensorsError,
  SafetensorsStreamWriter,
  writeSafetensors,
  writeSafetensorsFile,
} from './index.ts';

const FIXTURE = join(import.meta.dirname, '../../../../fixtures/tiny-bert/model.safetensors');
const dirs: string[] = [];
async function tmp(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'st-test-'));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Builds a safetensors buffer by hand from a header object (or raw header text) and data bytes. */
function build(header: unknown, data: Uint8Array, opts: { raw?: string; length?: number } = {}): Uint8Array {
  const text = new TextEncoder().encode(opts.raw ?? JSON.stringify(header));
  const out = new Uint8Array(8 + text.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(opts.length ?? text.byteLength), true);
  out.set(text, 8);
  out.set(data, 8 + text.byteLength);
  return out;
}

function f32(...v: number[]): F32Tensor['data'] {
  return new Float32Array(v);
}

describe('fixture tiny-bert', () => {
  it('reads every tensor with values equal to a manual little-endian read at the header offsets', async () => {
    const bytes = new Uint8Array(await readFile(FIXTURE));
    const map = await readSafetensorsFile(FIXTURE);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = Number(view.getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
    const names = Object.keys(header).filter((k) => k !== '__metadata__');
    expect(map.size).toBe(names.length);
    expect(map.get('bert.embeddings.word_embeddings.weight')?.shape).toEqual([203, 32]);
    expect(map.get('classifier.weight')?.shape).toEqual([1, 32]);
    for (const name of names) {
      const {
        shape,
        data_offsets: [begin],
      } = header[name];
      const t = map.get(name) as F32Tensor;
      expect(t.shape).toEqual(shape);
      for (const i of [0, t.data.length - 1]) {
        expect(t.data[i]).toBe(view.getFloat32(8 + headerLength + begin + i * 4, true));
      }
    }
  });

  it('streams the same tensors through openSafetensors', async () => {
    const all = await readSafetensorsFile(FIXTURE);
    const reader = await openSafetensors(FIXTURE);
    expect(reader.metadata).toEqual({ format: 'pt' });
    expect(reader.tensors.map((t) => t.name).sort()).toEqual([...all.keys()].sort());
    const t = await reader.read('bert.pooler.dense.weight');
    expect(t).toEqual(all.get('bert.pooler.dense.weight'));
    expect((await reader.readRaw('classifier.bias')).byteLength).toBe(4);
    await expect(reader.read('nope')).rejects.toThrow(/model\.safetensors: tensor "nope": not in this file/);
    await reader.close();
  });
});

describe('round trip', () => {
  const tensors = new Map<string, F32Tensor>([
    ['b', { shape: [2, 3], data: f32(1, 2, 3, 4, 5, -6.5) }],
    ['a', { shape: [], data: f32(Math.PI) }],
    ['empty', { shape: [0, 4], data: f32() }],
  ]);

  it('writeSafetensors → readSafetensors keeps shapes, values and metadata; header sorted and aligned', () => {
    const bytes = writeSafetensors(tensors, { format: 'pt' });
    const header = parseSafetensorsHeader(bytes);
    expect(header.headerLength % 8).toBe(0);
    expect(header.metadata).toEqual({ format: 'pt' });
    expect(header.tensors.map((t) => t.name)).toEqual(['a', 'b', 'empty']);
    const back = readSafetensors(bytes);
    for (const [name, t] of tensors) expect(back.get(name)).toEqual(t);
  });

  it('writeSafetensorsFile writes atomically and the stream writer accepts any order', async () => {
    const dir = await tmp();
    const path = join(dir, 'm.safetensors');
    await writeSafetensorsFile(path, tensors);
    expect(await readSafetensorsFile(path)).toEqual(readSafetensors(writeSafetensors(tensors)));
    const path2 = join(dir, 'n.safetensors');
    const w = new SafetensorsStreamWriter(path2, [
      { name: 'x', shape: [2] },
      { name: 'y', shape: [1] },
    ]);
    await w.write('y', f32(7));
    await w.write('x', f32(1, 2));
    await w.finish();
    const back = await readSafetensorsFile(path2);
    expect(back.get('x')?.data).toEqual(f32(1, 2));
    expect(back.get('y')?.data).toEqual(f32(7));
    expect((await readdir(dir)).sort()).toEqual(['m.safetensors', 'n.safetensors']);
  });

  it('the stream writer refuses wrong sizes, unknown names, duplicates, and a finish with tensors missing', async () => {
    const dir = await tmp();
    const path = join(dir, 'bad.safetensors');
    const w = new SafetensorsStreamWriter(path, [
      { name: 'x', shape: [2] },
      { name: 'y', shape: [1] },
    ]);
    await expect(w.write('x', f32(1))).rejects.toThrow(/tensor "x": has 1 values but shape \[2\] needs 2/);
    await expect(w.write('z', f32(1))).rejects.toThrow(/tensor "z": is not in the layout/);
    await w.write('x', f32(1, 2));
    await expect(w.write('x', f32(1, 2))).rejects.toThrow(/already written/);
    await expect(w.finish()).rejects.toThrow(/before writing 1 tensor\(s\): y/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('dtype decoding', () => {
  it('F16 matches hand-computed values', () => {
    const cases: [number, number][] = [
      [0x3c00, 1],
      [0xc000, -2],
      [0x7bff, 65504],
      [0x0001, 2 ** -24],
      [0x0400, 2 ** -14],
      [0x3555, 0.333251953125],
      [0x7c00, Number.POSITIVE_INFINITY],
      [0xfc00, Number.NEGATIVE_INFINITY],
      [0x8000, -0],
    ];
    for (const [h, v] of cases) expect(halfToFloat(h)).toBe(v);
    expect(halfToFloat(0x7e00)).toBeNaN();
    const raw = new Uint8Array(cases.length * 2);
    const rawView = new DataView(raw.buffer);
    for (const [i, [h]] of cases.entries()) rawView.setUint16(i * 2, h, true);
    const t = decodeTensor(
      { name: 'h', dtype: 'F16', shape: [cases.length], begin: 0, end: raw.length },
      raw,
    );
    expect([...t.data]).toEqual(cases.map(([, v]) => v));
  });

  it('BF16, F64 and integer types decode to the expected float32', () => {
    const bf = new Uint8Array([0x80, 0x3f, 0x40, 0xc0, 0x49, 0x40, 0x80, 0x7f]); // 1, -3, 3.140625, +inf
    expect([...decodeTensor({ name: 'b', dtype: 'BF16', shape: [4], begin: 0, end: 8 }, bf).data]).toEqual([
      1,
      -3,
      3.140625,
      Number.POSITIVE_INFINITY,
    ]);
    const f64 = new Uint8Array(new Float64Array([0.1, -2.5]).buffer);
    expect([...decodeTensor({ name: 'd', dtype: 'F64', shape: [2], begin: 0, end: 16 }, f64).data]).toEqual([
      Math.fround(0.1),
      -2.5,
    ]);
    const i64 = new Uint8Array(new BigInt64Array([-3n, 7n]).buffer);
    expect([...decodeTensor({ name: 'i', dtype: 'I64', shape: [2], begin: 0, end: 16 }, i64).data]).toEqual([
      -3, 7,
    ]);
    const i8 = new Uint8Array([0xff, 0x02]);
    expect([...decodeTensor({ name: 'i', dtype: 'I8', shape: [2], begin: 0, end: 2 }, i8).data]).toEqual([
      -1, 2,
    ]);
    expect([...decodeTensor({ name: 'u', dtype: 'BOOL', shape: [2], begin: 0, end: 2 }, i8).data]).toEqual([
      1, 1,
    ]);
  });

  it('reads an unaligned F32 tensor', () => {
    const data = new Uint8Array(new Float32Array([1.5, -2]).buffer);
    const raw = new Uint8Array(9);
    raw.set(data, 1);
    const t = decodeTensor({ name: 'u', dtype: 'F32', shape: [2], begin: 0, end: 8 }, raw.subarray(1));
    expect([...t.data]).toEqual([1.5, -2]);
  });
});

describe('header validation', () => {
  const ok = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const data8 = new Uint8Array(8);
  const fails = (bytes: Uint8Array, re: RegExp) => {
    expect(() => parseSafetensorsHeader(bytes, 'f.safetensors')).toThrow(SafetensorsError);
    expect(() => parseSafetensorsHeader(bytes, 'f.safetensors')).toThrow(re);
  };

  it('accepts a valid header', () => {
    expect(parseSafetensorsHeader(build(ok, data8)).tensors).toEqual([
      { name: 'w', dtype: 'F32', shape: [2], begin: 0, end: 8 },
    ]);
  });
  it('too short for the length prefix', () => fails(new Uint8Array(5), /^f\.safetensors: file is 5 bytes/));
  it('header length past the end of the file', () =>
    fails(build(ok, data8, { length: 1000 }), /header length 1000 at byte 0 runs past the end/));
  it('invalid JSON', () => fails(build(null, new Uint8Array(), { raw: '{"w": ' }), /not valid JSON/));
  it('header not starting with {', () =>
    fails(build(null, new Uint8Array(), { raw: '[1]' }), /start with '\{'/));
  it('unknown dtype', () =>
    fails(build({ w: { ...ok.w, dtype: 'F8' } }, data8), /tensor "w": unknown dtype "F8"/));
  it('negative dimension', () =>
    fails(
      build({ w: { ...ok.w, shape: [-2] } }, data8),
      /tensor "w": shape\[0\] = -2 is not a non-negative/,
    ));
  it('non-integer dimension', () =>
    fails(build({ w: { ...ok.w, shape: [1.5] } }, data8), /tensor "w": shape\[0\] = 1.5/));
  it('shape × dtype size differs from the byte length', () =>
    fails(
      build({ w: { ...ok.w, shape: [3] } }, data8),
      /tensor "w": byte length 8 does not match shape \[3\]/,
    ));
  it('offsets outside the data section', () =>
    fails(
      build({ w: { ...ok.w, data_offsets: [4, 12] } }, data8),
      /tensor "w": data_offsets \[4, 12\] run past the data section \(8 bytes\)/,
    ));
  it('end before begin', () =>
    fails(build({ w: { ...ok.w, data_offsets: [8, 0] } }, data8), /end before they begin/));
  it('overlapping ranges', () =>
    fails(
      build(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
          b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
        },
        data8,
      ),
      /tensor "b": data_offsets \[4, 8\] overlap tensor "a"/,
    ));
  it('gap between tensors', () =>
    fails(
      build(
        {
          a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
          b: { dtype: 'U8', shape: [2], data_offsets: [6, 8] },
        },
        data8,
      ),
      /tensor "b": gap of 2 unused bytes/,
    ));
  it('trailing bytes after the last tensor', () =>
    fails(build(ok, new Uint8Array(12)), /4 trailing bytes after the last tensor/));
  it('null metadata reads as none', () => {
    expect(parseSafetensorsHeader(build({ __metadata__: null, ...ok }, data8)).metadata).toEqual({});
  });
  it('metadata values must be strings', () =>
    fails(build({ __metadata__: { epoch: 3 }, ...ok }, data8), /__metadata__ value for "epoch" is number/));

  it('openSafetensors validates the same way and names the file path', async () => {
    const path = join(await tmp(), 'broken.safetensors');
    await writeFile(path, build({ w: { ...ok.w, dtype: 'Q4' } }, data8));
    await expect(openSafetensors(path)).rejects.toThrow(
      /broken\.safetensors: tensor "w": unknown dtype "Q4"/,
    );
  });
});
