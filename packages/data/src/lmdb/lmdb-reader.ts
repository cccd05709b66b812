// A read-only LMDB reader in pure TypeScript: picks the current meta page, then walks the main B+tree
// (branch pages → leaf pages, F_BIGDATA values from overflow runs). Pure over a byte-range reader, so the
// same code serves a whole file in memory, pread() on Node, or a fetch of byte ranges.
import {
  compareKeys, dbFlagNames, decodeMeta, decodePageHeader, readNode, u64,
  F_BIGDATA, F_DUPDATA, F_SUBDATA, LmdbError, META_BYTES, P_BRANCH, P_LEAF, P_LEAF2, P_OVERFLOW, PAGE_HEADER,
  type LmdbMeta, type PageNode,
} from './lmdb-layout.ts';

/** Where the reader gets its bytes: a file, a buffer, anything that can return a byte range. */
export interface LmdbSource {
  /** Names the file in error messages, e.g. `features/data.mdb`. */
  readonly name: string;
  /** Length of the file in bytes. */
  readonly byteLength: number;
  /** Exactly `length` bytes starting at `offset`; the reader only asks for ranges inside `byteLength`. */
  read(offset: number, length: number): Uint8Array;
  /** Releases the file, if the source holds one. */
  close?(): void;
}

/** A source over bytes already in memory; `read` returns views, so nothing is copied. */
export function bytesSource(bytes: Uint8Array, name = '<bytes>'): LmdbSource {
  // NOTE: a plain Uint8Array view, so a Node Buffer's subarrays don't leak out: Buffer#slice is a view, not a
  // copy, and code that copies values with .slice() would silently keep aliasing the whole file.
  const plain = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { name, byteLength: plain.byteLength, read: (offset, length) => plain.subarray(offset, offset + length) };
}

/** A decoded branch or leaf page. */
interface NodePage {
  readonly bytes: Uint8Array;
  readonly branch: boolean;
  readonly count: number;
  /** `file: page N (branch)`, for errors. */
  readonly where: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Branch pages kept decoded: the top levels are read by every lookup. */
const BRANCH_CACHE_PAGES = 512;

/**
 * An open LMDB environment's main database, read-only. Values and keys returned are views that may share
 * memory with the source's buffer: copy them before modifying.
 */
export class LmdbDatabase {
  /** The current snapshot: the valid meta page with the larger transaction id. */
  readonly meta: LmdbMeta;
  private readonly branches = new Map<number, NodePage>();

  constructor(private readonly source: LmdbSource) {
    this.meta = readCurrentMeta(source);
    const flags = dbFlagNames(this.meta.main.flags);
    if (flags.length > 0) {
      throw new LmdbError(
        `${source.name}: the main DB has flags ${flags.join(' | ')}; only plain byte-ordered keys without duplicates are supported`);
    }
  }

  /** The file's name as the source gives it. */
  get name(): string { return this.source.name; }
  /** Page size of the file (from the meta page, not the machine's). */
  get pageSize(): number { return this.meta.pageSize; }
  /** Records in the main DB, as `mdb_stat` counts them (a named sub-database's record counts as one). */
  get size(): number { return this.meta.main.entries; }

  /**
   * The value stored under `key` (a string is UTF-8 encoded), or `undefined`.
   *
   * @example
   * const db = openLmdb(bytes);
   * const value = db.get('keys'); // the pickled id list of a ViLBERT feature store
   */
  get(key: Uint8Array | string): Uint8Array | undefined {
    const want = typeof key === 'string' ? encoder.encode(key) : key;
    const root = this.meta.main.root;
    if (root === undefined) return undefined;
    let page = this.nodePage(root, 0, 'the root of the main DB');
    for (let level = 0; page.branch; level++) {
      // The first node of a branch page has an empty key: it covers everything below the second node's key.
      let lo = 1;
      let hi = page.count;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareKeys(readNode(page.bytes, mid, true, page.where).key, want) <= 0) lo = mid + 1;
        else hi = mid;
      }
      const child = readNode(page.bytes, lo - 1, true, page.where).child;
      page = this.nodePage(child, level + 1, `child ${lo - 1} of ${page.where}`);
    }
    let lo = 0;
    let hi = page.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const node = readNode(page.bytes, mid, false, page.where);
      const order = compareKeys(node.key, want);
      if (order === 0) return this.value(node, page.where, mid);
      if (order < 0) lo = mid + 1;
      else hi = mid;
    }
    return undefined;
  }

  /** True when `key` holds a value. */
  has(key: Uint8Array | string): boolean {
    return this.get(key) !== undefined;
  }

  /** Every `[key, value]` of the main DB in key order; named sub-database records are left out (see {@link subDatabases}). */
  *entries(): Generator<[Uint8Array, Uint8Array]> {
    for (const { node, where, index } of this.leafNodes()) {
      if ((node.flags & F_SUBDATA) === 0) yield [node.key, this.value(node, where, index)];
    }
  }

  /** Every key of the main DB in key order, sub-database names left out; values are not read. */
  *keys(): Generator<Uint8Array> {
    for (const { node } of this.leafNodes()) if ((node.flags & F_SUBDATA) === 0) yield node.key;
  }

  /**
   * Names of the named sub-databases (`mdb_dbi_open` with a name) recorded in the main DB. They are only
   * detected: reading them is not supported (ViLBERT and MMF feature stores keep everything in the main DB).
   */
  subDatabases(): string[] {
    const names: string[] = [];
    for (const { node } of this.leafNodes()) if (node.flags & F_SUBDATA) names.push(decoder.decode(node.key));
    return names;
  }

  /** Closes the source (a no-op for bytes in memory). */
  close(): void {
    this.branches.clear();
    this.source.close?.();
  }

  /** The value of leaf node `node`: inline, or read from its overflow run. */
  private value(node: PageNode, where: string, index: number): Uint8Array {
    if (node.flags & F_DUPDATA) {
      throw new LmdbError(`${where}: node ${index} holds sorted duplicates (F_DUPDATA); MDB_DUPSORT databases are not supported`);
    }
    if (node.flags & F_SUBDATA) {
      throw new LmdbError(
        `${where}: key "${decoder.decode(node.key)}" names a sub-database (F_SUBDATA), not a value; named sub-databases are not supported`);
    }
    if ((node.flags & F_BIGDATA) === 0) return node.data;
    const view = new DataView(node.data.buffer, node.data.byteOffset, 8);
    const first = u64(view, 0, () => `${where}: node ${index} overflow page number`);
    return this.overflow(first, node.dataSize, `node ${index} of ${where}`);
  }

  /** `size` bytes of a big value from the overflow run starting at page `pgno`. */
  private overflow(pgno: number, size: number, from: string): Uint8Array {
    const offset = this.pageOffset(pgno, from, PAGE_HEADER + size);
    const header = decodePageHeader(this.source.read(offset, PAGE_HEADER));
    const where = `${this.source.name}: page ${pgno} (overflow, from ${from})`;
    if (header.pgno !== pgno) throw new LmdbError(`${where}: the page header says page ${header.pgno}; expected ${pgno}`);
    if ((header.flags & P_OVERFLOW) === 0) {
      throw new LmdbError(`${where}: page flags 0x${header.flags.toString(16)}; expected P_OVERFLOW (0x04)`);
    }
    if (header.pages * this.pageSize < PAGE_HEADER + size) {
      throw new LmdbError(`${where}: a run of ${header.pages} page(s) cannot hold a ${size}-byte value`);
    }
    return this.source.read(offset + PAGE_HEADER, size);
  }

  /** Byte offset of page `pgno`, after checking that `need` bytes from there lie inside the snapshot and the file. */
  private pageOffset(pgno: number, from: string, need: number): number {
    const { lastPage, pageSize } = this.meta;
    if (pgno > lastPage) {
      throw new LmdbError(
        `${this.source.name}: page ${pgno} (${from}) is past the end: the snapshot's last page is ${lastPage} (expected a page number ≤ ${lastPage})`);
    }
    const offset = pgno * pageSize;
    if (offset + need > this.source.byteLength) {
      throw new LmdbError(
        `${this.source.name}: truncated file: page ${pgno} (${from}) needs bytes ${offset}..${offset + need} but the file has ${this.source.byteLength}`);
    }
    return offset;
  }

  /** Reads and checks a branch or leaf page at `level` of the main tree. */
  private nodePage(pgno: number, level: number, from: string): NodePage {
    const cached = this.branches.get(pgno);
    if (cached) return cached;
    const { depth } = this.meta.main;
    const name = this.source.name;
    if (level >= depth) {
      throw new LmdbError(`${name}: page ${pgno} (${from}) sits at level ${level + 1} but the meta records a tree of depth ${depth}`);
    }
    const bytes = this.source.read(this.pageOffset(pgno, from, this.pageSize), this.pageSize);
    const header = decodePageHeader(bytes);
    const kind = header.flags & P_BRANCH ? 'branch' : header.flags & P_LEAF ? 'leaf' : undefined;
    const where = `${name}: page ${pgno} (${kind ?? 'flags 0x' + header.flags.toString(16)})`;
    if (header.pgno !== pgno) throw new LmdbError(`${where}: the page header says page ${header.pgno}; expected ${pgno}`);
    if (kind === undefined || header.flags & P_LEAF2) {
      throw new LmdbError(`${where}, reached as ${from}: expected a branch (0x01) or leaf (0x02) page`);
    }
    if (header.lower < PAGE_HEADER || header.lower > header.upper || header.upper > this.pageSize || (header.lower & 1)) {
      throw new LmdbError(
        `${where}: free-space bounds lower=${header.lower} upper=${header.upper}; expected ${PAGE_HEADER} ≤ lower ≤ upper ≤ ${this.pageSize}, lower even`);
    }
    const page: NodePage = { bytes, branch: kind === 'branch', count: (header.lower - PAGE_HEADER) / 2, where };
    if (page.count === 0 && (page.branch || level > 0)) throw new LmdbError(`${where}: an empty ${kind} page below the root`);
    if (page.branch && this.branches.size < BRANCH_CACHE_PAGES) this.branches.set(pgno, page);
    return page;
  }

  /** Every leaf node of the main tree, in key order (depth-first over the branch pages). */
  private *leafNodes(): Generator<{ node: PageNode; where: string; index: number }> {
    const root = this.meta.main.root;
    if (root === undefined) return;
    yield* this.walk(this.nodePage(root, 0, 'the root of the main DB'), 0);
  }

  private *walk(page: NodePage, level: number): Generator<{ node: PageNode; where: string; index: number }> {
    for (let index = 0; index < page.count; index++) {
      const node = readNode(page.bytes, index, page.branch, page.where);
      if (page.branch) yield* this.walk(this.nodePage(node.child, level + 1, `child ${index} of ${page.where}`), level + 1);
      else yield { node, where: page.where, index };
    }
  }
}

/** Reads both meta pages (each must be valid, as liblmdb requires) and returns the one with the larger txnid. */
function readCurrentMeta(source: LmdbSource): LmdbMeta {
  const need = (bytes: number, what: string) => {
    if (source.byteLength < bytes) {
      throw new LmdbError(`${source.name}: truncated file: ${source.byteLength} bytes, expected at least ${bytes} for ${what}`);
    }
  };
  need(META_BYTES, 'meta page 0');
  const first = decodeMeta(source.read(0, META_BYTES), 0, source.name);
  need(first.pageSize + META_BYTES, `meta page 1 at byte ${first.pageSize}`);
  const second = decodeMeta(source.read(first.pageSize, META_BYTES), 1, source.name);
  if (second.pageSize !== first.pageSize) {
    throw new LmdbError(`${source.name}: meta page 1 gives page size ${second.pageSize}, meta page 0 ${first.pageSize}; expected the same`);
  }
  const meta = second.txnid > first.txnid ? second : first;
  need((meta.lastPage + 1) * meta.pageSize, `the ${meta.lastPage + 1} pages of ${meta.pageSize} bytes that meta page ${meta.page} records`);
  return meta;
}

/**
 * Opens an LMDB file's main database for reading, from its bytes or from any {@link LmdbSource}.
 * On Node, `openLmdbFile` (`@crossmodal/data/node`) opens a path.
 *
 * @param name - names the file in errors when `input` is bytes.
 * @example
 * const db = openLmdb(bytes, { name: 'features.lmdb/data.mdb' });
 * for (const [key, value] of db.entries()) console.log(key.length, value.length);
 */
export function openLmdb(input: Uint8Array | LmdbSource, { name }: { name?: string } = {}): LmdbDatabase {
  return new LmdbDatabase(input instanceof Uint8Array ? bytesSource(input, name) : input);
}
