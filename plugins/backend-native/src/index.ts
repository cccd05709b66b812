// @crossmodal/backend-native: C++ kernels on OpenBLAS for CPUs, as a plugin.
export { nativeBackendPlugin } from './plugin.ts';
export { nativeBackendProvider } from './provider.ts';
export { createNativeBackend } from './create-backend.ts';
export { NativeBackend, NativeStorage, NATIVE, type NativeBackendOptions, type NativeMemory } from './native-backend.ts';
export { loadAddon, type AddonLoad } from './addon/load.ts';
export type { NativeAddon } from './addon/types.ts';
