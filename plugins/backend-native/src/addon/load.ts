// Node-only adapter: loads the compiled addon through `createRequire` (which Deno also provides
// for Node-API modules, under -A or --allow-ffi). Never throws: a missing or broken build comes back
// as a one-line reason with the fix, for the runtime to report once and move on.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { REQUIRED_EXPORTS, type NativeAddon } from './types.ts';

/** The addon, or why it cannot be had. */
export type AddonLoad = { readonly ok: true; readonly addon: NativeAddon; readonly path: string } | { readonly ok: false; readonly reason: string };

const FIX = 'install g++, make, python3 and libopenblas-dev (tools/bootstrap.sh does) and run `npm run build:addon -w @crossmodal/backend-native`';
const DEFAULT_PATH = fileURLToPath(new URL('../../build/Release/crossmodal_native.node', import.meta.url));
const FAILED_LOG = fileURLToPath(new URL('../../build/BUILD_FAILED.txt', import.meta.url));

let cached: AddonLoad | undefined;

/**
 * Loads the addon once per process: build/Release/crossmodal_native.node, or the file
 * CROSSMODAL_NATIVE_ADDON names (another build of the same sources, e.g. a debug or sanitizer build).
 */
export function loadAddon(): AddonLoad {
  const override = typeof process === 'undefined' ? undefined : process.env['CROSSMODAL_NATIVE_ADDON'];
  return (cached ??= override ? loadAddonFrom(override, 'CROSSMODAL_NATIVE_ADDON names') : loadAddonFrom(DEFAULT_PATH));
}

/** Loads the addon at `path` and checks its exports; `origin` says where the path came from in errors. */
export function loadAddonFrom(path: string, origin = 'native addon'): AddonLoad {
  if (!existsSync(path)) {
    if (path !== DEFAULT_PATH) return { ok: false, reason: `${origin} ${path}, which does not exist; ${FIX}` };
    const cause = existsSync(FAILED_LOG) ? `its build failed: ${readFileSync(FAILED_LOG, 'utf8').trim()}` : 'it was never built';
    return { ok: false, reason: `native addon not found at ${path} (${cause}); ${FIX}` };
  }
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    const missing = REQUIRED_EXPORTS.filter((name) => typeof addon[name] !== 'function');
    if (missing.length > 0) return { ok: false, reason: `native addon at ${path} is stale (missing ${missing.join(', ')}); ${FIX}` };
    return { ok: true, addon, path };
  } catch (e) {
    return { ok: false, reason: `native addon at ${path} failed to load (${(e as Error).message.split('\n')[0]}); ${FIX}` };
  }
}
