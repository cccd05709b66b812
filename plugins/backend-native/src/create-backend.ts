// Creates the native backend: loads the addon (or says exactly why it cannot) and binds the kernels.
import { loadAddon } from './addon/load.ts';
import { nativeKernels } from './kernels/index.ts';
import { NativeBackend, type NativeBackendOptions } from './native-backend.ts';

/** A native backend; throws with the loader's one-line reason when the addon is unavailable. */
export function createNativeBackend(options: NativeBackendOptions = {}): NativeBackend {
  const load = loadAddon();
  if (!load.ok) throw new Error(load.reason);
  return new NativeBackend(load.addon, nativeKernels, options);
}
