// PyTorch checkpoints (torch.save's zip format, `.pth`/`.bin`) read without executing pickle code:
// only the few globals a state dict uses are allowed, each replaced by a JS stand-in. Pure, bytes in.
import { PickleGlobalRef, PickleObject, isTuple, typeName, unpickle, type PickleGlobal } from './torch-pickle.ts';
import { materialise, TORCH_STORAGE_TYPES, type RawStorage, type TorchDType, type TorchTensor } from './torch-tensor.ts';
import { readZip, TorchCheckpointError, type InflateRaw, type ZipArchive } from './torch-zip.ts';

/** Options of {@link decodeTorchCheckpoint}. */
export interface DecodeTorchCheckpointOptions {
  /** Names the checkpoint in error messages (its path, say); default `'checkpoint'`. */
  name?: string;
  /** Decompressor for deflated entries (torch never writes them; re-zipped files have them). */
  inflate?: InflateRaw;
  /** Check each entry's CRC-32 (default true). */
  verifyCrc?: boolean;
  /**
   * Further globals (`module.name`) to accept as inert {@link PickleObject}s: their arguments and
   * state are kept, nothing is called. E.g. `['argparse.Namespace']` for DeiT checkpoints.
   */
  opaqueGlobals?: readonly string[];
}

/** The globals that torch's own state dicts reference, and nothing else. */
export const TORCH_ALLOWED_GLOBALS: readonly string[] = [
  'collections.OrderedDict',
  'torch._utils._rebuild_tensor',
  'torch._utils._rebuild_tensor_v2',
  'torch._utils._rebuild_parameter',
  'torch._utils._rebuild_parameter_with_state',
  'torch.Size',
  ...Object.keys(TORCH_STORAGE_TYPES).map((s) => `torch.${s}`),
  ...['float32', 'float16', 'bfloat16', 'float64', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool'].map((d) => `torch.${d}`),
];

// Storages the persistent loader made: a rebuild call's first argument must be one of them.
const knownStorages = new WeakSet<RawStorage>();

/** A tensor whose storage is known but whose key is not yet: materialised once the tree is built. */
class PendingTensor {
  constructor(
    readonly storage: RawStorage,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
    readonly requiresGrad: boolean,
    readonly isParameter: boolean,
  ) {}
}

class LoadedTensor implements TorchTensor {
  constructor(
    readonly dtype: TorchTensor['dtype'],
    readonly shape: readonly number[],
    readonly data: TorchTensor['data'],
    readonly sourceDtype: TorchDType,
    readonly requiresGrad: boolean,
    readonly isParameter: boolean,
  ) {}
}

/** True for a tensor that {@link decodeTorchCheckpoint} produced. */
export const isTorchTensor = (v: unknown): v is TorchTensor => v instanceof LoadedTensor;

/**
 * Reads a `torch.save` archive into JS values without running any of its pickle code: dicts and
 * OrderedDicts become `Map`s, tensors and Parameters become {@link TorchTensor}s (floats as float32
 * with the stored dtype in `sourceDtype`; views materialised), numbers, strings, lists and tuples
 * (frozen arrays) stay as they are. A global outside {@link TORCH_ALLOWED_GLOBALS} (and
 * `opaqueGlobals`) is an error naming it and the file; so is a missing or short `data/<key>` entry.
 * @example
 * const root = decodeTorchCheckpoint(bytes, { name: 'vit_base.pth' });
 * const sd = unwrapStateDict(root); // Map<string, TorchTensor>
 */
export function decodeTorchCheckpoint(bytes: Uint8Array, options: DecodeTorchCheckpointOptions = {}): unknown {
  const what = options.name ?? 'checkpoint';
  // The legacy format (torch < 1.6) is a bare pickle stream starting with PROTO; the zip format starts with 'PK'.
  if (bytes[0] === 0x80) {
    throw new TorchCheckpointError(
      `${what}: the legacy torch.save format (PyTorch < 1.6) is not supported; re-save it with a recent torch.save (the zip format)`,
    );
  }
  const zip = readZip(bytes, { name: what, inflate: options.inflate, verifyCrc: options.verifyCrc });
  const prefix = archivePrefix(zip, what);
  const byteorder = zip.entries.has(`${prefix}/byteorder`) ? new TextDecoder().decode(zip.read(`${prefix}/byteorder`)).trim() : 'little';
  if (byteorder !== 'little' && byteorder !== 'big') throw new TorchCheckpointError(`${what}: unknown byteorder '${byteorder}'`);
  const storages = new Map<string, RawStorage>();
  const persistentLoad = (pid: unknown): RawStorage => {
    const id = storageId(zip, prefix, pid, what);
    // Views of one storage share it: read (and CRC-check) each entry once, the first time it is named.
    const cached = storages.get(id.entry);
    if (cached) return cached;
    const storage = readStorage(zip, id, byteorder === 'little', what);
    storages.set(storage.entry, storage);
    knownStorages.add(storage);
    return storage;
  };
  const root = unpickle(zip.read(`${prefix}/data.pkl`), {
    globals: torchGlobals(options.opaqueGlobals ?? []),
    persistentLoad,
    name: `${what}: ${prefix}/data.pkl`,
  });
  return resolveTensors(root, '', new Map(), what);
}

/** Options of {@link unwrapStateDict}. */
export interface UnwrapStateDictOptions {
  /** The top-level key holding the state dict; default: the root itself if it holds only tensors, else `state_dict`, else `model`. */
  key?: string;
  /** Removed from every key when all keys start with it (DataParallel's `module.`); default `'module.'`, `''` to keep keys. */
  stripPrefix?: string;
}

/**
 * Finds the state dict in a decoded checkpoint, as timm's `load_state_dict` does: the root when it
 * maps names to tensors, else its `state_dict` or `model` entry (or `options.key`). Throws, listing
 * what it found, when there is none or when some values are not tensors.
 * @example
 * const sd = unwrapStateDict(decodeTorchCheckpoint(bytes), { key: 'state_dict_ema' });
 */
export function unwrapStateDict(root: unknown, options: UnwrapStateDictOptions = {}): Map<string, TorchTensor> {
  if (!(root instanceof Map)) throw new TorchCheckpointError(`unwrapStateDict: the checkpoint holds a ${typeName(root)}, not a dict`);
  let dict: unknown = root;
  if (options.key !== undefined) {
    if (!root.has(options.key)) throw new TorchCheckpointError(`unwrapStateDict: no key '${options.key}'; the checkpoint's keys are ${fmtKeys(root)}`);
    dict = root.get(options.key);
  } else if (![...root.values()].every(isTorchTensor)) {
    const key = ['state_dict', 'model'].find((k) => root.get(k) instanceof Map);
    if (!key) throw new TorchCheckpointError(`unwrapStateDict: neither a state dict nor a 'state_dict'/'model' entry; the checkpoint's keys are ${fmtKeys(root)}`);
    dict = root.get(key);
  }
  if (!(dict instanceof Map)) throw new TorchCheckpointError(`unwrapStateDict: '${options.key}' holds a ${typeName(dict)}, not a dict`);
  const bad = [...dict].filter(([k, v]) => typeof k !== 'string' || !isTorchTensor(v)).map(([k, v]) => `${String(k)} (${typeName(v)})`);
  if (bad.length) throw new TorchCheckpointError(`unwrapStateDict: entries that are not tensors: ${bad.join(', ')}`);
  const prefix = options.stripPrefix ?? 'module.';
  const entries = [...dict] as [string, TorchTensor][];
  const strip = prefix !== '' && entries.length > 0 && entries.every(([k]) => k.startsWith(prefix));
  return new Map(strip ? entries.map(([k, v]) => [k.slice(prefix.length), v]) : entries);
}

const fmtKeys = (m: Map<unknown, unknown>): string => `[${[...m.keys()].map((k) => String(k)).join(', ')}]`;

/** The archive's top folder (torch uses the file's stem, or `archive`): the one holding `data.pkl`. */
function archivePrefix(zip: ZipArchive, what: string): string {
  const pickles = [...zip.entries.keys()].filter((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (pickles.length !== 1) {
    const names = [...zip.entries.keys()];
    throw new TorchCheckpointError(
      `${what}: not a torch.save archive: expected one '<name>/data.pkl' entry, found ${pickles.length} among ` +
      `${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}`,
    );
  }
  return pickles[0]!.slice(0, -'/data.pkl'.length);
}

/** A checked persistent id: the archive entry holding the storage, its element type and count. */
interface StorageId {
  readonly entry: string;
  readonly storageType: { readonly dtype: TorchDType; readonly bytes: number };
  readonly numel: number;
}

/** Checks torch's persistent id `('storage', StorageType, key, location, numel)` and names its entry (nothing read yet). */
function storageId(zip: ZipArchive, prefix: string, pid: unknown, what: string): StorageId {
  if (!isTuple(pid) || pid[0] !== 'storage' || pid.length !== 5) {
    throw new TorchCheckpointError(`${what}: unexpected persistent id ${typeName(pid)}; expected ('storage', type, key, location, numel)`);
  }
  const [, type, key, , numel] = pid;
  const storageType = type instanceof PickleGlobalRef ? TORCH_STORAGE_TYPES[type.qualifiedName.replace(/^torch\./, '')] : undefined;
  if (!storageType) throw new TorchCheckpointError(`${what}: persistent id names an unknown storage type ${typeName(type)}`);
  if (typeof key !== 'string' || typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) {
    throw new TorchCheckpointError(`${what}: malformed storage id (key ${typeName(key)}, numel ${String(numel)})`);
  }
  const entry = `${prefix}/data/${key}`;
  if (!zip.entries.has(entry)) throw new TorchCheckpointError(`${what}: storage '${key}' has no entry '${entry}' in the archive`);
  return { entry, storageType, numel };
}

/** Reads (and CRC-checks) the entry of a storage id; it must hold numel elements. */
function readStorage(zip: ZipArchive, { entry, storageType, numel }: StorageId, littleEndian: boolean, what: string): RawStorage {
  const bytes = zip.read(entry);
  if (bytes.length < numel * storageType.bytes) {
    throw new TorchCheckpointError(`${what}: entry '${entry}' has ${bytes.length} bytes; ${numel} × ${storageType.bytes}-byte elements need ${numel * storageType.bytes}`);
  }
  return { entry, dtype: storageType.dtype, elementBytes: storageType.bytes, numel, bytes, littleEndian };
}

function torchGlobals(opaque: readonly string[]): Map<string, PickleGlobal> {
  const globals = new Map<string, PickleGlobal>(TORCH_ALLOWED_GLOBALS.map((g) => [g, {}]));
  globals.set('collections.OrderedDict', { call: orderedDict });
  globals.set('torch._utils._rebuild_tensor', { call: ([s, offset, size, stride]) => rebuildTensor(s, offset, size, stride, false) });
  globals.set('torch._utils._rebuild_tensor_v2', { call: ([s, offset, size, stride, grad, hooks]) => rebuildTensor(s, offset, size, stride, grad, hooks) });
  globals.set('torch._utils._rebuild_parameter', { call: ([data, grad]) => rebuildParameter(data, grad) });
  globals.set('torch._utils._rebuild_parameter_with_state', { call: ([data, grad]) => rebuildParameter(data, grad) });
  globals.set('torch.Size', { call: ([dims]) => (isTuple(dims) ? dims : fail(`torch.Size of a ${typeName(dims)}`)) });
  for (const name of opaque) globals.set(name, { call: (args) => new PickleObject(name, args) });
  return globals;
}

// Stand-ins throw plain errors: the VM rethrows them as TorchCheckpointErrors naming the file, the
// call and its byte offset.
function fail(msg: string): never {
  throw new Error(msg);
}

function orderedDict(args: readonly unknown[]): Map<unknown, unknown> {
  if (args.length === 0) return new Map();
  const [pairs] = args;
  if (args.length === 1 && Array.isArray(pairs) && pairs.every((p) => isTuple(p) && p.length === 2)) {
    return new Map(pairs.map((p: readonly unknown[]) => [p[0], p[1]]));
  }
  return fail(`OrderedDict with ${args.length} arguments, expected none or a list of pairs`);
}

function rebuildTensor(storage: unknown, offset: unknown, size: unknown, stride: unknown, grad: unknown, hooks?: unknown): PendingTensor {
  if (!knownStorages.has(storage as RawStorage)) fail(`storage argument is a ${typeName(storage)}, not a persistent storage`);
  if (!isIndex(offset)) fail(`storage offset ${String(offset)} is not a non-negative integer`);
  if (!isTuple(size) || !size.every(isIndex)) fail(`size ${typeName(size)} is not a tuple of non-negative integers`);
  if (!isTuple(stride) || !stride.every(isIndex) || stride.length !== size.length) {
    fail(`stride ${typeName(stride)} is not a tuple of ${size.length} non-negative integers`);
  }
  if (hooks !== undefined && !(hooks instanceof Map && hooks.size === 0)) fail('tensors with backward hooks are not supported');
  return new PendingTensor(storage as RawStorage, offset, size, stride, grad === true, false);
}

function rebuildParameter(data: unknown, grad: unknown): PendingTensor {
  if (!(data instanceof PendingTensor)) return fail(`Parameter of a ${typeName(data)}, expected a tensor`);
  return new PendingTensor(data.storage, data.offset, data.shape, data.strides, grad === true, true);
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/**
 * Replaces every PendingTensor in the tree with its materialised tensor; `path` (keys joined by
 * '/') names it in errors. `done` keeps shared references shared and stops on cycles.
 */
function resolveTensors(value: unknown, path: string, done: Map<object, unknown>, what: string): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (done.has(value)) return done.get(value);
  if (value instanceof PendingTensor) {
    const name = path || '<root>';
    let host;
    try {
      host = materialise(name, value.storage, value.offset, value.shape, value.strides);
    } catch (e) {
      if (e instanceof RangeError) throw new RangeError(`${what}: ${e.message}`, { cause: e });
      throw new TorchCheckpointError(`${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const t = new LoadedTensor(host.dtype, value.shape, host.data, value.storage.dtype, value.requiresGrad, value.isParameter);
    done.set(value, t);
    return t;
  }
  const join = (k: unknown): string => (path ? `${path}/${String(k)}` : String(k));
  if (value instanceof Map) {
    done.set(value, value);
    for (const [k, v] of value) value.set(k, resolveTensors(v, join(k), done, what));
  } else if (isTuple(value)) {
    const out = Object.freeze(value.map((v, i) => resolveTensors(v, join(i), done, what)));
    done.set(value, out);
    return out;
  } else if (Array.isArray(value)) {
    done.set(value, value);
    value.forEach((v, i) => (value[i] = resolveTensors(v, join(i), done, what)));
  }
  return value;
}
