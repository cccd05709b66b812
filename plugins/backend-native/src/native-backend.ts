// The native CPU backend: storages are typed arrays whose memory the addon reads and writes in
// place (no copy per op); kernels preallocate their outputs here and call one addon function each.
import { allocArray, kernelTable, type AnyKernel, type Backend, type DType, type OutMeta, type TypedArray } from '@crossmodal/tensor';
import type { NativeAddon } from './addon/types.ts';

/** The backend id kernels are bound to. */
export const NATIVE = 'native';

/** A native storage: the typed array the addon works on. */
export class NativeStorage {
  constructor(readonly data: TypedArray) {}
}

/** Options of the native backend. */
export interface NativeBackendOptions {
  /** Worker threads for the kernels and OpenBLAS (default: every core). Results are deterministic for a given count. */
  readonly threads?: number;
  /**
   * Testing aid: keep even tiny released arrays for reuse and fill every array handed out by
   * `outUninitialized` with NaN, so a kernel that leaves part of such an output unwritten shows up
   * as NaN in the conformance suites instead of as stale numbers.
   */
  readonly poisonReused?: boolean;
}

/** Live storages and their bytes, as the backend counts them (flat over a training loop: no leak), and the free arrays kept for reuse. */
export interface NativeMemory {
  readonly storages: number;
  readonly bytes: number;
  /** Bytes of released arrays kept for reuse (bounded by {@link REUSE_LIMIT_BYTES}). */
  readonly cachedBytes: number;
}

/** Released arrays of at least this many elements are kept for reuse (small ones are cheap to allocate). */
const REUSE_MIN_ELEMENTS = 256;
/** The most bytes of released arrays kept for reuse. */
export const REUSE_LIMIT_BYTES = 256 * 2 ** 20;

/** The native backend (kernels are typed against it). */
export class NativeBackend implements Backend<NativeStorage> {
  readonly id = NATIVE;
  readonly kernels: ReadonlyMap<string, AnyKernel>;
  #storages = 0;
  #bytes = 0;
  // Released arrays by dtype and length. A training step allocates the same sizes every step, and a
  // fresh typed array costs a page fault per 4 KiB on first touch (the bulk of a small kernel's
  // time); a reused one is already mapped and only needs zeroing.
  readonly #free = new Map<string, TypedArray[]>();
  #cachedBytes = 0;
  readonly #poison: boolean;

  constructor(
    readonly addon: NativeAddon,
    kernels: readonly AnyKernel[],
    options: NativeBackendOptions = {},
  ) {
    this.kernels = kernelTable(NATIVE, kernels);
    this.#poison = options.poisonReused ?? false;
    if (options.threads !== undefined) {
      if (!Number.isInteger(options.threads) || options.threads < 1) {
        throw new RangeError(`native backend: threads must be a positive integer, got ${options.threads}`);
      }
      addon.setThreads(options.threads);
    }
  }

  /** Threads the kernels use. */
  get threads(): number {
    return this.addon.getThreads();
  }

  /** A zero-filled storage (a reused array when one of that dtype and length is free), counted. Kernels allocate their outputs through this. */
  alloc(dtype: DType, size: number): NativeStorage {
    const reused = this.#free.get(`${dtype}:${size}`)?.pop();
    if (reused) {
      this.#cachedBytes -= reused.byteLength;
      return this.#count(new NativeStorage(reused.fill(0)));
    }
    return this.#count(new NativeStorage(allocArray(dtype, size)));
  }

  /** A new zero-filled storage for an output the kernel was told about. */
  out(meta: OutMeta): NativeStorage {
    return this.alloc(meta.dtype, meta.size);
  }

  /**
   * An output storage whose contents are unspecified (a reused array is not zeroed): only for
   * kernels that write every element, such as MatMul (sgemm with beta = 0 overwrites C).
   */
  outUninitialized(meta: OutMeta): NativeStorage {
    const reused = this.#free.get(`${meta.dtype}:${meta.size}`)?.pop();
    if (!reused) {
      const fresh = this.alloc(meta.dtype, meta.size);
      if (this.#poison) fresh.data.fill(meta.dtype === 'float32' ? Number.NaN : -0x7fffffff);
      return fresh;
    }
    this.#cachedBytes -= reused.byteLength;
    if (this.#poison) reused.fill(meta.dtype === 'float32' ? Number.NaN : -0x7fffffff);
    return this.#count(new NativeStorage(reused));
  }

  upload(data: TypedArray): NativeStorage {
    const s = this.alloc(data instanceof Float32Array ? 'float32' : 'int32', data.length);
    s.data.set(data);
    return s;
  }

  fill(dtype: DType, size: number, value: number): NativeStorage {
    const s = this.alloc(dtype, size);
    if (value !== 0) s.data.fill(value);
    return s;
  }

  read(s: NativeStorage, dtype: DType, size: number): Promise<TypedArray> {
    return Promise.resolve(this.readSync(s, dtype, size));
  }

  readSync(s: NativeStorage, _dtype: DType, size: number): TypedArray {
    if (s.data.length !== size) throw new Error(`internal: native storage holds ${s.data.length} elements, expected ${size}`);
    return s.data.slice();
  }

  release(s: NativeStorage): void {
    this.#storages--;
    this.#bytes -= s.data.byteLength;
    // Only arrays the backend allocated at full length come back (kernels never alias storages).
    const a = s.data;
    if ((a.length >= REUSE_MIN_ELEMENTS || this.#poison) && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && this.#cachedBytes + a.byteLength <= REUSE_LIMIT_BYTES) {
      const key = `${a instanceof Float32Array ? 'float32' : 'int32'}:${a.length}`;
      const list = this.#free.get(key);
      if (list) list.push(a);
      else this.#free.set(key, [a]);
      this.#cachedBytes += a.byteLength;
    }
  }

  /** Live storages and bytes, and the bytes kept for reuse. */
  memory(): NativeMemory {
    return { storages: this.#storages, bytes: this.#bytes, cachedBytes: this.#cachedBytes };
  }

  /** Drops every array kept for reuse (the garbage collector frees them). */
  trim(): void {
    this.#free.clear();
    this.#cachedBytes = 0;
  }

  #count(s: NativeStorage): NativeStorage {
    this.#storages++;
    this.#bytes += s.data.byteLength;
    return s;
  }
}
