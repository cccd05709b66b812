// NumPy's .npz (a zip of .npy files, stored by np.savez, deflated by np.savez_compressed), read with
// @crossmodal/nn's zip reader; and MCAN's per-image bottom-up features in it: `x` [D, N] (MCAN
// transposes it on load, `img_feat['x'].transpose((1, 0))`), `bbox` [N, 4] in pixels, `image_h`,
// `image_w` (and `num_bbox`, `info`, which are not needed). Pure: inflate comes from the adapter.
import { ndArrayToFloat32, ndArrayValues, readZip, type InflateRaw, type NdArray } from '@crossmodal/nn';
import { RegionFeatureError } from './errors.ts';
import { parseNpy } from './npy.ts';
import { toRegionFeatures, type BoxCheckOptions, type ImageSize, type RegionFeatures } from './regions.ts';

/** An opened .npz: its keys, and each array parsed on demand. */
export interface NpzArchive {
  /** The array names (entry names without `.npy`), in archive order. */
  readonly keys: readonly string[];
  /** Parses array `key`; throws naming the archive and the key when absent or malformed. */
  get(key: string): NdArray;
}

/**
 * Opens .npz `bytes`. Deflated entries (np.savez_compressed) need `inflate` (Node's adapter passes zlib's).
 * @param file - names the archive in messages
 * @example
 * readNpz(bytes, '000042.npz', inflate).get('x').shape; // [2048, 36]
 */
export function readNpz(bytes: Uint8Array, file: string, inflate?: InflateRaw): NpzArchive {
  const zip = rethrow(() => readZip(bytes, { name: file, ...(inflate ? { inflate } : {}) }));
  const keys = [...zip.entries.keys()].map((name) => name.replace(/\.npy$/, ''));
  return {
    keys,
    get(key: string): NdArray {
      if (!keys.includes(key)) throw new RegionFeatureError(`${file}: no array '${key}' (arrays: ${keys.join(', ')})`);
      const name = zip.entries.has(`${key}.npy`) ? `${key}.npy` : key;
      if (!inflate && zip.entries.get(name)?.method === 8) {
        throw new RegionFeatureError(`${file}: '${name}' is deflated (np.savez_compressed): pass an inflate function (readNpzFile and openMcanStore pass zlib's)`);
      }
      return parseNpy(rethrow(() => zip.read(name)), `${file}: ${name}`);
    },
  };
}

/** Runs `f`, turning the zip reader's errors into this package's (same message). */
function rethrow<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof RegionFeatureError) throw e;
    throw new RegionFeatureError((e as Error).message, { cause: e });
  }
}

/** Options of {@link mcanRegions}. */
export interface McanOptions extends BoxCheckOptions {
  /** The image size when the archive has no image_w / image_h. */
  imageSize?: ImageSize;
  /** The expected feature size D (2048 for bottom-up features), checked. */
  dim?: number;
}

/** A 0-d (or single-element) integer array's value. */
function scalarOf(npz: NpzArchive, key: string, file: string): number | undefined {
  if (!npz.keys.includes(key)) return undefined;
  const values = ndArrayValues(npz.get(key));
  if (values.length !== 1 || !Number.isInteger(values[0])) throw new RegionFeatureError(`${file}: '${key}' must be a single integer, got ${values.length} values`);
  return values[0];
}

/**
 * MCAN's per-image archive as regions: `x` [D, N] transposed to [N, D], `bbox` [N, 4], the image
 * size from `image_w`/`image_h` (or the `imageSize` option).
 * @param imageId - the image's id (MCAN names the file after it)
 * @example
 * mcanRegions(readNpz(bytes, file, inflate), 'COCO_val2014_000000000042', file).features; // [N · 2048]
 */
export function mcanRegions(npz: NpzArchive, imageId: string, file: string, options: McanOptions = {}): RegionFeatures {
  const x = npz.get('x');
  if (x.shape.length !== 2) throw new RegionFeatureError(`${file}: 'x' must be 2-d [D, N], got shape (${x.shape.join(', ')})`);
  const [dim, n] = x.shape as [number, number];
  if (!npz.keys.includes('bbox')) throw new RegionFeatureError(`${file}: no 'bbox' array (arrays: ${npz.keys.join(', ')}); boxes and locations need it`);
  const bbox = npz.get('bbox');
  if (bbox.shape.length !== 2 || bbox.shape[1] !== 4 || bbox.shape[0] !== n) {
    const hint = bbox.shape[0] === dim ? `; 'x' looks [N, D] already, but MCAN saves it [D, N]` : '';
    throw new RegionFeatureError(`${file}: 'bbox' has shape (${bbox.shape.join(', ')}), expected (${n}, 4) for 'x' of shape (${dim}, ${n}) [D, N]${hint}`);
  }
  if (options.dim !== undefined && dim !== options.dim) throw new RegionFeatureError(`${file}: 'x' holds ${dim}-d features, expected ${options.dim} (the dim option)`);
  const width = scalarOf(npz, 'image_w', file) ?? options.imageSize?.width;
  const height = scalarOf(npz, 'image_h', file) ?? options.imageSize?.height;
  if (width === undefined || height === undefined) throw new RegionFeatureError(`${file}: no 'image_w'/'image_h' arrays and no imageSize option: boxes cannot be normalised`);
  // [D, N] → [N, D].
  const xd = ndArrayToFloat32(x);
  const features = new Float32Array(n * dim);
  for (let d = 0; d < dim; d++) for (let i = 0; i < n; i++) features[i * dim + d] = xd[d * n + i]!;
  return toRegionFeatures({ imageId, imageSize: { width, height }, count: n, dim, features, boxes: ndArrayToFloat32(bbox) }, file, options);
}
