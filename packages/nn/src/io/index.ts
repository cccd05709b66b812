// Public API of nn's checkpoint I/O: safetensors encode/decode, exact half/bfloat16 conversions, and PyTorch
// checkpoints (torch.save zip archives) read through a pickle VM that runs no code.
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
export {
  decodeTorchCheckpoint, unwrapStateDict, isTorchTensor, TORCH_ALLOWED_GLOBALS,
  type DecodeTorchCheckpointOptions, type UnwrapStateDictOptions,
} from './torch-checkpoint.ts';
export {
  hostToTensors, tensorsToHost, TORCH_STORAGE_TYPES, type HostTensor, type TorchTensor, type TorchDType,
} from './torch-tensor.ts';
export { unpickle, isTuple, PickleGlobalRef, PickleObject, type PickleGlobal, type UnpickleOptions } from './torch-pickle.ts';
export { readZip, crc32, TorchCheckpointError, type ZipArchive, type ZipEntry, type ReadZipOptions, type InflateRaw } from './torch-zip.ts';
