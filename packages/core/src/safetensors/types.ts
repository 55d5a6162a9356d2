import { InputError } from '../errors/index.ts';
/** Element types defined by the safetensors format that this module can decode. */
export type SafetensorsDType =
  | 'F64'
  | 'F32'
  | 'F16'
  | 'BF16'
  | 'I64'
  | 'I32'
  | 'I16'
  | 'I8'
  | 'U64'
  | 'U32'
  | 'U16'
  | 'U8'
  | 'BOOL';

/** Bytes per element for each dtype. */
export const DTYPE_SIZE: Readonly<Record<SafetensorsDType, number>> = Object.freeze({
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
});

export function isSafetensorsDType(value: unknown): value is SafetensorsDType {
  return typeof value === 'string' && Object.hasOwn(DTYPE_SIZE, value);
}

/** One tensor's header entry. `begin`/`end` are byte offsets relative to the data section. */
export interface TensorInfo {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  begin: number;
  end: number;
}

/** A tensor decoded to float32, row-major. */
export interface F32Tensor {
  shape: number[];
  data: Float32Array;
}

export type TensorMap = Map<string, F32Tensor>;

export interface SafetensorsHeader {
  /** Length in bytes of the JSON header (the u64 at the start of the file). */
  headerLength: number;
  /** Absolute byte offset of the data section: 8 + headerLength. */
  dataOffset: number;
  /** Tensors in data order (ascending `begin`). */
  tensors: TensorInfo[];
  metadata: Record<string, string>;
}

/**
 * Every problem with a safetensors file or buffer. The message always starts with the file name
 * and, when one tensor is at fault, names it; `file` and `tensor` carry the same for callers.
 */
export class SafetensorsError extends InputError {
  readonly file: string;
  readonly tensor: string | undefined;
  constructor(file: string, problem: string, tensor?: string) {
    super(tensor === undefined ? `${file}: ${problem}` : `${file}: tensor "${tensor}": ${problem}`);
    this.name = 'SafetensorsError';
    this.file = file;
    this.tensor = tensor;
  }
}

export const DEFAULT_FILE_NAME = '<buffer>';

/** Number of elements of a shape (1 for a scalar `[]`). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
