// Test helper: the native backend, or the reason it is unavailable (specs skip with that reason).
// Under CI the bootstrap builds the addon, so there a missing addon fails instead of skipping.
import { loadAddon } from './addon/load.ts';
import { createNativeBackend } from './create-backend.ts';
import type { NativeBackend } from './native-backend.ts';

let shared: NativeBackend | undefined;

/** The shared native backend for specs, or the loader's reason (a throw under CI=true). */
export function testBackend(): NativeBackend | string {
  const load = loadAddon();
  if (!load.ok) {
    if (process.env['CI']) throw new Error(`CI: the native addon must be built by tools/bootstrap.sh: ${load.reason}`);
    return load.reason;
  }
  return (shared ??= createNativeBackend());
}
