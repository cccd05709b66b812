// A minimal zip reader for torch.save archives: central directory (zip64 included), stored entries,
// deflated ones through a caller-supplied inflate (Node's zlib), CRC-32 checked. Pure, bytes in.

/** Thrown for a malformed, truncated or unsupported checkpoint (zip container or pickle inside). */
export class TorchCheckpointError extends Error {
  override readonly name = 'TorchCheckpointError';
}

/**
 * Decompresses a raw deflate stream (zip method 8) of `size` bytes when inflated. The pure reader
 * has none: Node passes `zlib.inflateRawSync`; browsers could pass a DecompressionStream wrapper.
 */
export type InflateRaw = (compressed: Uint8Array, size: number) => Uint8Array;

/** One file of the archive, as the central directory describes it. */
export interface ZipEntry {
  /** Path inside the archive, e.g. `archive/data/0`. */
  readonly name: string;
  /** 0 = stored, 8 = deflate. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly crc32: number;
  /** Offset of the entry's local header in the archive. */
  readonly localHeaderOffset: number;
}

/** Options of {@link readZip}. */
export interface ReadZipOptions {
  /** Names the archive in error messages (a path, say); default `'zip archive'`. */
  name?: string;
  /** Decompressor for deflated entries; without it they are rejected with a clear error. */
  inflate?: InflateRaw;
  /** Check each entry's CRC-32 when it is read (default true; ~1 s per GB). */
  verifyCrc?: boolean;
}

/** A zip archive held in memory; entries are read (and checked) on demand. */
export interface ZipArchive {
  /** Every entry, by name, in central-directory order. */
  readonly entries: ReadonlyMap<string, ZipEntry>;
  /** The bytes of entry `name` (a view into the archive for stored entries); throws when absent. */
  read(name: string): Uint8Array;
}

const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

/**
 * Parses the central directory of the zip archive in `bytes`. Errors name the archive and say
 * what is wrong: no end-of-central-directory record (not a zip, or truncated), a directory that
 * points past the end of the data, a bad signature.
 * @example
 * const zip = readZip(bytes, { name: 'vit.pth' });
 * const pickle = zip.read('vit/data.pkl');
 */
export function readZip(bytes: Uint8Array, options: ReadZipOptions = {}): ZipArchive {
  const what = options.name ?? 'zip archive';
  const fail = (msg: string): never => {
    throw new TorchCheckpointError(`${what}: ${msg}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEocd(view) ?? fail(
    `not a zip archive, or truncated: no end-of-central-directory record in its last ${Math.min(bytes.length, EOCD_SIZE + MAX_COMMENT)} bytes (${bytes.length} bytes in all)`,
  );
  let count = view.getUint16(eocd + 10, true);
  let cdSize = view.getUint32(eocd + 12, true);
  let cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // Zip64: the real values sit in the zip64 end record, found through the locator just before.
    const locator = eocd - 20;
    if (locator < 0 || view.getUint32(locator, true) !== SIG_ZIP64_LOCATOR) fail('zip64 sizes announced but no zip64 locator found');
    const record = u64(view, locator + 8, fail);
    if (record + 56 > bytes.length || view.getUint32(record, true) !== SIG_ZIP64_EOCD) {
      fail(`zip64 end record expected at byte ${record}, not found (truncated?)`);
    }
    count = u64(view, record + 32, fail);
    cdSize = u64(view, record + 40, fail);
    cdOffset = u64(view, record + 48, fail);
  }
  if (cdOffset + cdSize > bytes.length) {
    fail(`central directory at bytes ${cdOffset}..${cdOffset + cdSize} lies past the end of the data (${bytes.length} bytes): truncated`);
  }
  const entries = new Map<string, ZipEntry>();
  let at = cdOffset;
  const decoder = new TextDecoder();
  for (let i = 0; i < count; i++) {
    if (at + 46 > cdOffset + cdSize || view.getUint32(at, true) !== SIG_CENTRAL) {
      fail(`central directory entry ${i} of ${count} at byte ${at} is malformed`);
    }
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const sizes = zip64Sizes(view, at, at + 46 + nameLength, extraLength, fail);
    entries.set(name, {
      name,
      method: view.getUint16(at + 10, true),
      crc32: view.getUint32(at + 16, true),
      ...sizes,
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  const verify = options.verifyCrc ?? true;
  return {
    entries,
    read(name: string): Uint8Array {
      const entry = entries.get(name) ?? fail(`no entry '${name}' in the archive`);
      const data = entryData(bytes, view, entry, options.inflate, fail);
      if (verify && crc32(data) !== entry.crc32) fail(`entry '${name}' fails its CRC-32 check: the file is corrupt`);
      return data;
    },
  };
}

/** Scans backwards for the end-of-central-directory signature (a trailing comment may follow it). */
function findEocd(view: DataView): number | undefined {
  const last = view.byteLength - EOCD_SIZE;
  for (let at = last; at >= 0 && at >= last - MAX_COMMENT; at--) {
    // The comment length must reach exactly to the end, so a stray signature inside data can't match.
    if (view.getUint32(at, true) === SIG_EOCD && at + EOCD_SIZE + view.getUint16(at + 20, true) === view.byteLength) return at;
  }
  return undefined;
}

/** Sizes and offset of a central entry, taking the zip64 extra field's values where the 32-bit ones are saturated. */
function zip64Sizes(
  view: DataView, at: number, extraStart: number, extraLength: number, fail: (m: string) => never,
): Pick<ZipEntry, 'compressedSize' | 'size' | 'localHeaderOffset'> {
  let size = view.getUint32(at + 24, true);
  let compressedSize = view.getUint32(at + 20, true);
  let localHeaderOffset = view.getUint32(at + 42, true);
  if (size !== 0xffffffff && compressedSize !== 0xffffffff && localHeaderOffset !== 0xffffffff) {
    return { size, compressedSize, localHeaderOffset };
  }
  for (let p = extraStart; p + 4 <= extraStart + extraLength;) {
    const id = view.getUint16(p, true);
    const length = view.getUint16(p + 2, true);
    if (id === 0x0001) {
      // The zip64 field lists only the saturated values, in this fixed order.
      let q = p + 4;
      if (size === 0xffffffff) {
        size = u64(view, q, fail);
        q += 8;
      }
      if (compressedSize === 0xffffffff) {
        compressedSize = u64(view, q, fail);
        q += 8;
      }
      if (localHeaderOffset === 0xffffffff) localHeaderOffset = u64(view, q, fail);
      return { size, compressedSize, localHeaderOffset };
    }
    p += 4 + length;
  }
  return fail(`entry at byte ${at} has saturated 32-bit sizes but no zip64 extra field`);
}

function entryData(
  bytes: Uint8Array, view: DataView, entry: ZipEntry, inflate: InflateRaw | undefined, fail: (m: string) => never,
): Uint8Array {
  const at = entry.localHeaderOffset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== SIG_LOCAL) {
    fail(`entry '${entry.name}': no local header at byte ${at} (truncated or corrupt)`);
  }
  // NOTE: the local header's extra field differs from the central one: torch pads it so the data
  // starts on a 64-byte boundary, so its length must be read here.
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) {
    fail(`entry '${entry.name}' needs bytes ${start}..${end} but the data ends at ${bytes.length}: truncated`);
  }
  const raw = bytes.subarray(start, end);
  if (entry.method === 0) return raw;
  if (entry.method !== 8) fail(`entry '${entry.name}' uses compression method ${entry.method}; only stored (0) and deflate (8) are supported`);
  if (!inflate) {
    fail(`entry '${entry.name}' is deflate-compressed (torch.save never compresses; the file was re-zipped); ` +
      `pass an inflate function (the Node adapter loadTorchCheckpoint does) or re-zip it without compression`);
  }
  let out: Uint8Array;
  try {
    out = inflate!(raw, entry.size);
  } catch (e) {
    // Includes a stream that inflates past its declared size (the Node adapter caps the output there).
    return fail(`entry '${entry.name}' cannot be inflated: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (out.length !== entry.size) fail(`entry '${entry.name}' inflated to ${out.length} bytes, the directory says ${entry.size}`);
  return out;
}

/** An unsigned 64-bit little-endian value, which must fit a JS safe integer. */
function u64(view: DataView, at: number, fail: (m: string) => never): number {
  if (at + 8 > view.byteLength) fail(`zip64 field at byte ${at} lies past the end of the data: truncated`);
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail(`zip64 value ${value} at byte ${at} is too large`);
  return Number(value);
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, as zip uses), table-driven. */
export function crc32(data: Uint8Array): number {
  const table = (crcTable ??= makeCrcTable());
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function makeCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}
