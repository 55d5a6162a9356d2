import { DEFAULT_FILE_NAME, type F32Tensor, SafetensorsError, shapeSize, type TensorInfo } from './types.ts';

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

let halfTable: Float32Array | undefined;

/**
 * IEEE 754 binary16 → number: sign · 2^(e−15) · (1 + m/1024) for 0 < e < 31,
 * sign · 2^−14 · m/1024 for e = 0 (subnormals), ±Infinity/NaN for e = 31.
 * @example halfToFloat(0x3c00) // 1; halfToFloat(0xc000) // -2; halfToFloat(0x0001) // 2^-24
 */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * 2 ** (exp - 15) * (1 + mant / 1024);
}

function getHalfTable(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) halfTable[i] = halfToFloat(i);
  }
  return halfTable;
}

/**
 * Decodes one tensor's raw bytes (exactly `info.end − info.begin` of them) to float32.
 * F16/BF16 widen exactly; F64 and 64-bit integers round to the nearest float32; BOOL gives 0/1.
 */
export function decodeTensor(info: TensorInfo, raw: Uint8Array, fileName = DEFAULT_FILE_NAME): F32Tensor {
  const n = shapeSize(info.shape);
  const expectedBytes = info.end - info.begin;
  if (raw.byteLength !== expectedBytes) {
    throw new SafetensorsError(
      fileName,
      `got ${raw.byteLength} bytes to decode, header says ${expectedBytes}`,
      info.name,
    );
  }
  const out = new Float32Array(n);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  switch (info.dtype) {
    case 'F32':
      if (LITTLE_ENDIAN && raw.byteOffset % 4 === 0) {
        out.set(new Float32Array(raw.buffer, raw.byteOffset, n));
      } else {
        for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      }
      break;
    case 'F64':
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      break;
    case 'F16': {
      const table = getHalfTable();
      for (let i = 0; i < n; i++) out[i] = table[view.getUint16(i * 2, true)] as number;
      break;
    }
    case 'BF16': {
      // bfloat16 is the top half of a float32: shift it back into place.
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < n; i++) bits[i] = view.getUint16(i * 2, true) << 16;
      break;
    }
    case 'I64':
      for (let i = 0; i < n; i++) out[i] = Number(view.getBigInt64(i * 8, true));
      break;
    case 'U64':
      for (let i = 0; i < n; i++) out[i] = Number(view.getBigUint64(i * 8, true));
      break;
    case 'I32':
      for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true);
      break;
    case 'U32':
      for (let i = 0; i < n; i++) out[i] = view.getUint32(i * 4, true);
      break;
    case 'I16':
      for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true);
      break;
    case 'U16':
      for (let i = 0; i < n; i++) out[i] = view.getUint16(i * 2, true);
      break;
    case 'I8':
      for (let i = 0; i < n; i++) out[i] = view.getInt8(i);
      break;
    case 'U8':
      for (let i = 0; i < n; i++) out[i] = view.getUint8(i);
      break;
    case 'BOOL':
      for (let i = 0; i < n; i++) out[i] = view.getUint8(i) === 0 ? 0 : 1;
      break;
  }
  return { shape: [...info.shape], data: out };
}

/** Float32 data as little-endian bytes (a view when the host is little-endian, else a copy). */
export function float32ToBytes(data: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i] as number, true);
  return out;
}
