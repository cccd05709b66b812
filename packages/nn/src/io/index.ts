// Public API of nn's checkpoint I/O: safetensors encode/decode, exact half/bfloat16 conversions, PyTorch
// checkpoints (torch.save zip archives) and pickled numpy arrays, read through a pickle VM that runs no code.
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
export {
  ndArrayFromParts, ndArrayToFloat32, ndArrayValues, ndArraySize, isNdArray, isNumpyDType, NUMPY_DTYPES,
  type NdArray, type NdArrayParts, type NumpyDType,
} from './numpy-array.ts';
export {
  unpickleNumpy, unpickleNumpyDict, pickleText, aPickleValue, describePickleValue, NUMPY_PICKLE_GLOBALS, type UnpickleNumpyOptions,
} from './numpy-pickle.ts';
