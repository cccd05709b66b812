// LMDB's on-disk layout (liblmdb 0.9, data format version 1, 64-bit little-endian builds): constants and
// decoders for meta pages, page headers and nodes. Pure; every read is bounds-checked so a damaged file
// gives an LmdbError naming the file, the page and what was expected, never a RangeError.
// Layout learnt from LMDB's mdb.c (MDB_meta, MDB_db, MDB_page, MDB_node); reimplemented here.

/** A malformed, truncated or unsupported LMDB file; the message names the file, the page and the expectation. */
export class LmdbError extends Error {
  override readonly name = 'LmdbError';
}

/** MDB_MAGIC: the first field of a meta page's MDB_meta. */
export const LMDB_MAGIC = 0xbeefc0de;
/** MDB_DATA_VERSION of liblmdb 0.9 (1.0's MDB_DEVEL format, 999, adds counted branch pages and padded keys). */
export const LMDB_DATA_VERSION = 1;
/** Page header size on a 64-bit build: pgno u64, pad u16, flags u16, lower u16, upper u16 (upper/lower = pages for overflow). */
export const PAGE_HEADER = 16;
/** Node header: lo u16, hi u16, flags u16, key size u16; the key and the data follow. */
export const NODE_HEADER = 8;
/** P_INVALID: the root of an empty tree. */
export const NO_PAGE = 0xffff_ffff_ffff_ffffn;

/** Page flags (MDB_page.mp_flags). */
export const P_BRANCH = 0x01;
export const P_LEAF = 0x02;
export const P_OVERFLOW = 0x04;
export const P_META = 0x08;
/** A leaf of fixed-size values (MDB_DUPFIXED sub-databases only). */
export const P_LEAF2 = 0x20;

/** Node flags (MDB_node.mn_flags on leaf pages). */
export const F_BIGDATA = 0x01; // the data is the u64 number of the first P_OVERFLOW page holding the value
export const F_SUBDATA = 0x02; // the data is an MDB_db: a named sub-database
export const F_DUPDATA = 0x04; // the data holds sorted duplicates (MDB_DUPSORT)

/** Database flags (MDB_db.md_flags) that change key order or value layout, by name for error messages. */
export const DB_FLAGS: ReadonlyArray<readonly [number, string]> = [
  [0x02, 'MDB_REVERSEKEY'], [0x04, 'MDB_DUPSORT'], [0x08, 'MDB_INTEGERKEY'],
  [0x10, 'MDB_DUPFIXED'], [0x20, 'MDB_INTEGERDUP'], [0x40, 'MDB_REVERSEDUP'],
];

/** One B+tree's record (MDB_db, 48 bytes): its shape and root. */
export interface LmdbTree {
  /** MDB_db.md_flags (see DB_FLAGS). */
  readonly flags: number;
  /** Levels from the root to the leaves; 0 for an empty tree. */
  readonly depth: number;
  readonly branchPages: number;
  readonly leafPages: number;
  readonly overflowPages: number;
  /** Number of records (sub-database records included, as `mdb_stat` counts them). */
  readonly entries: number;
  /** Page number of the root; `undefined` for an empty tree. */
  readonly root: number | undefined;
}

/** A decoded meta page (MDB_meta): the start point of one committed snapshot. */
export interface LmdbMeta {
  /** 0 or 1: which of the two meta pages this is. */
  readonly page: number;
  readonly pageSize: number;
  readonly mapSize: number;
  /** The free-page tree (FREE_DBI). */
  readonly free: LmdbTree;
  /** The main tree (MAIN_DBI): the records, and the names of any sub-databases. */
  readonly main: LmdbTree;
  /** The last page number this snapshot uses. */
  readonly lastPage: number;
  /** The committing transaction's id; the meta with the larger one is the current snapshot. */
  readonly txnid: bigint;
}

/** Bytes of MDB_meta after the page header: magic, version, address, mapsize, 2 × MDB_db, last_pg, txnid. */
export const META_BYTES = PAGE_HEADER + 4 + 4 + 8 + 8 + 2 * 48 + 8 + 8;

/** A u64 as a JS number, or an error when it exceeds 2^53 (no LMDB file that large can be read here). */
export function u64(view: DataView, offset: number, what: () => string): number {
  const v = view.getBigUint64(offset, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new LmdbError(`${what()}: ${v} is too large (expected below 2^53)`);
  return Number(v);
}

const viewOf = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Decodes the MDB_db at `offset` of a meta page. */
function decodeTree(view: DataView, offset: number, where: string): LmdbTree {
  const root = view.getBigUint64(offset + 40, true);
  const field = (name: string) => () => `${where}: ${name}`;
  return {
    flags: view.getUint16(offset + 4, true),
    depth: view.getUint16(offset + 6, true),
    branchPages: u64(view, offset + 8, field('md_branch_pages')),
    leafPages: u64(view, offset + 16, field('md_leaf_pages')),
    overflowPages: u64(view, offset + 24, field('md_overflow_pages')),
    entries: u64(view, offset + 32, field('md_entries')),
    root: root === NO_PAGE ? undefined : u64(view, offset + 40, field('md_root')),
  };
}

/**
 * Decodes meta page `page` (0 or 1) from its first META_BYTES bytes, checking magic, version and page size.
 *
 * @param bytes - at least META_BYTES bytes from the start of the page.
 * @param file - names the file in errors.
 */
export function decodeMeta(bytes: Uint8Array, page: number, file: string): LmdbMeta {
  const where = `${file}: meta page ${page}`;
  const view = viewOf(bytes);
  const magic = view.getUint32(PAGE_HEADER, true);
  if (magic !== LMDB_MAGIC) {
    // NOTE: the same bytes read another way say why: a 32-bit build has a 12-byte page header, a big-endian one swaps bytes.
    if (view.getUint32(12, true) === LMDB_MAGIC) {
      throw new LmdbError(`${where}: written by a 32-bit LMDB build (magic at byte 12); only 64-bit files are supported`);
    }
    if (view.getUint32(PAGE_HEADER, false) === LMDB_MAGIC) {
      throw new LmdbError(`${where}: written by a big-endian LMDB build; only little-endian files are supported`);
    }
    throw new LmdbError(`${where}: not an LMDB file: magic 0x${hex(magic)} at byte ${PAGE_HEADER}, expected 0x${hex(LMDB_MAGIC)}`);
  }
  const version = view.getUint32(PAGE_HEADER + 4, true);
  if (version !== LMDB_DATA_VERSION) {
    throw new LmdbError(`${where}: unsupported data format version ${version}, expected ${LMDB_DATA_VERSION} (liblmdb 0.9)`);
  }
  const flags = view.getUint16(10, true);
  if ((flags & P_META) === 0) throw new LmdbError(`${where}: page flags 0x${hex(flags)} lack P_META (0x08)`);
  // The page size lives in the free tree's md_pad field (mm_psize in mdb.c).
  const pageSize = view.getUint32(PAGE_HEADER + 24, true);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    throw new LmdbError(`${where}: page size ${pageSize} is not a power of two in [512, 65536]`);
  }
  const main = decodeTree(view, PAGE_HEADER + 72, `${where} main DB`);
  return {
    page,
    pageSize,
    mapSize: u64(view, PAGE_HEADER + 16, () => `${where}: mm_mapsize`),
    free: decodeTree(view, PAGE_HEADER + 24, `${where} free DB`),
    main,
    lastPage: u64(view, PAGE_HEADER + 120, () => `${where}: mm_last_pg`),
    txnid: view.getBigUint64(PAGE_HEADER + 128, true),
  };
}

/** The header of a branch, leaf or overflow page. */
export interface PageHeader {
  readonly pgno: number;
  readonly flags: number;
  /** Branch/leaf: offset of the end of the node-offset array (so `(lower - 16) / 2` nodes). */
  readonly lower: number;
  /** Branch/leaf: offset where the nodes begin. */
  readonly upper: number;
  /** Overflow: the number of contiguous pages of the run (the `lower`/`upper` bytes read as one u32). */
  readonly pages: number;
}

/** Decodes the 16-byte header at the start of `page`. */
export function decodePageHeader(page: Uint8Array): PageHeader {
  const view = viewOf(page);
  return {
    pgno: Number(view.getBigUint64(0, true)),
    flags: view.getUint16(10, true),
    lower: view.getUint16(12, true),
    upper: view.getUint16(14, true),
    pages: view.getUint32(12, true),
  };
}

/** One node of a branch or leaf page, as views into the page. */
export interface PageNode {
  readonly flags: number;
  readonly key: Uint8Array;
  /** Branch: the child page number. Leaf: the data size (the real size too when F_BIGDATA). */
  readonly child: number;
  readonly dataSize: number;
  /** Leaf: the inline data (for F_BIGDATA, 8 bytes holding the overflow page number). Branch: empty. */
  readonly data: Uint8Array;
}

/**
 * Reads node `index` of a branch or leaf page, bounds-checked against the page.
 *
 * @param where - names file and page in errors, e.g. `data.mdb: page 7 (leaf)`.
 */
export function readNode(page: Uint8Array, index: number, branch: boolean, where: string): PageNode {
  const view = viewOf(page);
  const at = view.getUint16(PAGE_HEADER + 2 * index, true);
  if (at < PAGE_HEADER || at + NODE_HEADER > page.byteLength) {
    throw new LmdbError(`${where}: node ${index} offset ${at} is outside the page (expected ${PAGE_HEADER}..${page.byteLength - NODE_HEADER})`);
  }
  const lo = view.getUint16(at, true);
  const hi = view.getUint16(at + 2, true);
  const flags = view.getUint16(at + 4, true);
  const keySize = view.getUint16(at + 6, true);
  const keyEnd = at + NODE_HEADER + keySize;
  // Branch nodes keep the child's page number in lo | hi << 16 | flags << 32 (NODEPGNO); leaves the data size in lo | hi << 16.
  const child = branch ? lo + hi * 0x1_0000 + flags * 0x1_0000_0000 : 0;
  const dataSize = branch ? 0 : lo + hi * 0x1_0000;
  const inline = branch ? 0 : flags & F_BIGDATA ? 8 : (flags & F_SUBDATA) && !(flags & F_DUPDATA) ? 48 : dataSize;
  if (keyEnd + inline > page.byteLength) {
    throw new LmdbError(
      `${where}: node ${index} (key ${keySize} bytes, inline data ${inline} bytes at offset ${at}) runs past the page end ${page.byteLength}`);
  }
  return {
    flags: branch ? 0 : flags,
    key: page.subarray(at + NODE_HEADER, keyEnd),
    child,
    dataSize,
    data: page.subarray(keyEnd, keyEnd + inline),
  };
}

/** The default LMDB key order (mdb_cmp_memn): bytewise, then the shorter key first. */
export function compareKeys(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Names of the DB_FLAGS bits set in `flags`. */
export function dbFlagNames(flags: number): string[] {
  return DB_FLAGS.filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
}

/** Lower-case hex of a u32, padded to 8 digits. */
export const hex = (n: number): string => n.toString(16).padStart(8, '0');
