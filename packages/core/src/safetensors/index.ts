// safetensors read/write (https://github.com/huggingface/safetensors, format spec in its README).
export { decodeTensor, float32ToBytes, halfToFloat } from './decode.ts';
export { MAX_HEADER_LENGTH, parseSafetensorsHeader } from './header.ts';
export { openSafetensors, readSafetensors, readSafetensorsFile, type SafetensorsReader } from './read.ts';
export {
  DTYPE_SIZE,
  type F32Tensor,
  type SafetensorsDType,
  SafetensorsError,
  type SafetensorsHeader,
  shapeSize,
  type TensorInfo,
  type TensorMap,
} from './types.ts';
export {
  planSafetensorsLayout,
  SafetensorsStreamWriter,
  type TensorLayoutEntry,
  writeSafetensors,
  writeSafetensorsFile,
} from './write.ts';
