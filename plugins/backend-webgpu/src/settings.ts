// The backend's precision and tuning settings: what the caller asked for, checked against what the
// adapter offers, with the reduction strategy chosen from the adapter's kind when left to 'auto'.
import type { DeviceOptions } from './device/acquire.ts';

/**
 * How row reductions run: 'serial' — one invocation per row, no barriers (wins on CPU adapters,
 * where a barrier costs more than the parallelism gains); 'tree' — one workgroup per row, lanes
 * striding the row, then a tree in workgroup memory (wins on GPUs, where a lone invocation per long
 * row leaves the device idle and its reads uncoalesced).
 */
export type ReductionStrategy = 'serial' | 'tree';

/** What `createWebGpuBackend` accepts: the device request plus the backend's own settings. */
export interface WebGpuBackendOptions extends DeviceOptions {
  /**
   * Matmul operands in f16 (`shader-f16`): products in f16, accumulated and stored in f32. About
   * 3 decimal digits per operand; values beyond ±65504 overflow. Default false. Requesting it on an
   * adapter without `shader-f16` throws.
   */
  readonly f16?: boolean;
  /** Row-reduction strategy; 'auto' (default): 'serial' on software adapters, 'tree' on hardware ones. */
  readonly reductions?: 'auto' | ReductionStrategy;
  /** Rows shorter than this stay serial under 'tree' (a workgroup per short row idles most lanes). Default 256. */
  readonly treeMinLength?: number;
}

/** The settings a backend runs with (resolved: no 'auto'). */
export interface WebGpuSettings {
  readonly f16: boolean;
  readonly reductions: ReductionStrategy;
  readonly treeMinLength: number;
}

/** What settings are resolved against: the adapter's name and kind, and the device's features. */
export interface AdapterFacts {
  readonly adapterName: string;
  readonly software: boolean;
  /** Only `has` is used (Deno's GPUSupportedFeatures is not a full ReadonlySet). */
  readonly features: { has(feature: string): boolean };
}

export const DEFAULT_TREE_MIN_LENGTH = 256;

/** Settings for `options` on this adapter; throws when f16 is asked of an adapter without shader-f16. */
export function resolveSettings(options: WebGpuBackendOptions, adapter: AdapterFacts): WebGpuSettings {
  // Typed callers can still pass a bad number (or, from JavaScript, anything): same checks as the provider's.
  parseBackendOptions({ f16: options.f16, reductions: options.reductions, treeMinLength: options.treeMinLength });
  const f16 = options.f16 ?? false;
  if (f16 && !adapter.features.has('shader-f16')) {
    throw new Error(`webgpu: f16 was requested (f16: true) but the adapter '${adapter.adapterName}' does not offer the 'shader-f16' feature; leave f16 off on this adapter`);
  }
  const requested = options.reductions ?? 'auto';
  const reductions = requested === 'auto' ? (adapter.software ? 'serial' : 'tree') : requested;
  return { f16, reductions, treeMinLength: options.treeMinLength ?? DEFAULT_TREE_MIN_LENGTH };
}

const STRATEGIES = ['auto', 'serial', 'tree'] as const;

/**
 * The backend's own settings from an untyped options object (a provider's `create(options)`):
 * unknown keys are ignored (they may be meant for another backend), known ones must be well typed.
 */
export function parseBackendOptions(options: { readonly [option: string]: unknown }): WebGpuBackendOptions {
  const { f16, reductions, treeMinLength, ...rest } = options;
  // A config's backendOptions.webgpu reaches only this backend, so an unknown key is a typo.
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new TypeError(`webgpu: unknown option(s) ${unknown.join(', ')}; expected: f16, reductions, treeMinLength`);
  if (f16 !== undefined && typeof f16 !== 'boolean') throw new TypeError(`webgpu: option f16 is ${JSON.stringify(f16)}, expected true or false`);
  if (reductions !== undefined && !STRATEGIES.includes(reductions as (typeof STRATEGIES)[number])) {
    throw new TypeError(`webgpu: option reductions is ${JSON.stringify(reductions)}, expected one of ${STRATEGIES.map((s) => `'${s}'`).join(', ')}`);
  }
  if (treeMinLength !== undefined && !(typeof treeMinLength === 'number' && Number.isInteger(treeMinLength) && treeMinLength >= 1)) {
    throw new TypeError(`webgpu: option treeMinLength is ${JSON.stringify(treeMinLength)}, expected an integer ≥ 1`);
  }
  return {
    ...(f16 !== undefined && { f16 }),
    ...(reductions !== undefined && { reductions: reductions as WebGpuBackendOptions['reductions'] & string }),
    ...(treeMinLength !== undefined && { treeMinLength }),
  };
}
