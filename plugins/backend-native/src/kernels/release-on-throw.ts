// Exception safety of the native kernels: each kernel allocates its outputs, then makes the addon
// call that fills them, and that call can still throw (the addon checks its arguments again, and
// reports out-of-range indices). The outputs must then be released, or NativeBackend.memory()
// counts them for good. Checks that need no output run before the allocation instead.
import type { NativeBackend, NativeStorage } from '../native-backend.ts';

/** Runs `call` and returns its result; if it throws, releases every output in `outs` (absent ones skipped) and rethrows. */
export function releaseOnThrow<T>(be: NativeBackend, outs: readonly (NativeStorage | undefined)[], call: () => T): T {
  try {
    return call();
  } catch (e) {
    for (const s of outs) if (s) be.release(s);
    throw e;
  }
}
