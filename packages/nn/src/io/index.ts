// Public API of nn's checkpoint I/O: safetensors encode/decode and exact half/bfloat16 conversions.
export {
  encodeSafetensors, decodeSafetensors, DECODABLE_DTYPES,
  type EncodeSafetensorsOptions, type DecodeSafetensorsOptions, type DecodedSafetensors, type SafetensorsFloatDType,
} from './safetensors.ts';
export {
  readSafetensorsHeader, SafetensorsError, SAFETENSORS_DTYPE_BYTES, MAX_HEADER_BYTES,
  type SafetensorsDType, type SafetensorsEntry, type SafetensorsHeader,
} from './safetensors-header.ts';
export {
  f32ToF16, f16ToF32, f32ToBf16, bf16ToF32, encodeF16, decodeF16, encodeBf16, decodeBf16,
} from './half.ts';
