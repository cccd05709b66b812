// Damaged and unsupported LMDB files: each error names the file, the page and what was expected.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LmdbError } from './lmdb-layout.ts';
import { openLmdb } from './lmdb-reader.ts';

const fixtureBytes = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`./fixtures/${name}/data.mdb`, import.meta.url))));

/** A copy of fixture `name` changed by `edit` (a little-endian DataView over the copy). */
function patched(name: string, edit: (view: DataView) => void): Uint8Array {
  const bytes = fixtureBytes(name).slice();
  edit(new DataView(bytes.buffer));
  return bytes;
}

// Offsets in the compacted tiny fixture: meta page 1 (txn 1, the current one) at 4096, the leaf root at page 2.
const META1 = 4096;
const MAIN_DB = 16 + 72; // MDB_meta's main MDB_db, from the page start
const ROOT_PAGE = 2 * 4096;

const open = (bytes: Uint8Array) => () => openLmdb(bytes, { name: 'store/data.mdb' });

describe('LMDB errors', () => {
  it('refuses a file without the LMDB magic', () => {
    const png = Uint8Array.from({ length: 8192 }, (_, i) => (i * 31) & 0xff);
    expect(open(png)).toThrow(LmdbError);
    expect(open(png)).toThrow(/^store\/data\.mdb: meta page 0: not an LMDB file: magic 0x[0-9a-f]{8} at byte 16, expected 0xbeefc0de$/);
  });

  it('names 32-bit and big-endian builds rather than calling them garbage', () => {
    const thirtyTwo = new Uint8Array(8192);
    new DataView(thirtyTwo.buffer).setUint32(12, 0xbeefc0de, true);
    expect(open(thirtyTwo)).toThrow(/meta page 0: written by a 32-bit LMDB build \(magic at byte 12\); only 64-bit files are supported/);
    const bigEndian = patched('tiny', (v) => v.setUint32(16, 0xbeefc0de, false));
    expect(open(bigEndian)).toThrow(/meta page 0: written by a big-endian LMDB build/);
  });

  it('refuses an unsupported data format version, naming the meta page', () => {
    expect(open(patched('tiny', (v) => v.setUint32(META1 + 20, 999, true))))
      .toThrow('store/data.mdb: meta page 1: unsupported data format version 999, expected 1 (liblmdb 0.9)');
  });

  it('refuses a page size that is not a power of two', () => {
    expect(open(patched('tiny', (v) => v.setUint32(16 + 24, 5000, true))))
      .toThrow('store/data.mdb: meta page 0: page size 5000 is not a power of two in [512, 65536]');
  });

  it('reports truncation at each stage: meta page 0, meta page 1, the pages the snapshot uses', () => {
    const tiny = fixtureBytes('tiny');
    expect(open(tiny.subarray(0, 100))).toThrow('store/data.mdb: truncated file: 100 bytes, expected at least 152 for meta page 0');
    expect(open(tiny.subarray(0, 4200))).toThrow('truncated file: 4200 bytes, expected at least 4248 for meta page 1 at byte 4096');
    expect(open(tiny.subarray(0, 10000)))
      .toThrow('store/data.mdb: truncated file: 10000 bytes, expected at least 12288 for the 3 pages of 4096 bytes that meta page 1 records');
  });

  it('names a page number past the end of the snapshot', () => {
    const db = openLmdb(patched('tiny', (v) => v.setBigUint64(META1 + MAIN_DB + 40, 99n, true)), { name: 'store/data.mdb' });
    expect(() => db.get('alpha')).toThrow(
      "store/data.mdb: page 99 (the root of the main DB) is past the end: the snapshot's last page is 2 (expected a page number ≤ 2)");
    expect(() => [...db.entries()]).toThrow(/page 99 \(the root of the main DB\) is past the end/);
  });

  it('names an overflow page past the end', () => {
    // The overflow fixture's first leaf node (big-0) points at its run: move the pointer beyond the last page.
    const bytes = patched('overflow', (v) => {
      const root = Number(v.getBigUint64(META1 + MAIN_DB + 40, true)) * 4096;
      const node = root + v.getUint16(root + 16, true);
      v.setBigUint64(node + 8 + 'big-0'.length, 500n, true);
    });
    expect(() => openLmdb(bytes, { name: 'o.mdb' }).get('big-0'))
      .toThrow(/^o\.mdb: page 500 \(node 0 of o\.mdb: page \d+ \(leaf\)\) is past the end: the snapshot's last page is \d+/);
  });

  it('checks each page header: number, kind and free-space bounds', () => {
    const wrongNumber = patched('tiny', (v) => v.setBigUint64(ROOT_PAGE, 7n, true));
    expect(() => openLmdb(wrongNumber, { name: 's' }).get('alpha')).toThrow('s: page 2 (leaf): the page header says page 7; expected 2');
    const overflowAsRoot = patched('tiny', (v) => v.setUint16(ROOT_PAGE + 10, 0x04, true));
    expect(() => openLmdb(overflowAsRoot, { name: 's' }).get('alpha'))
      .toThrow('s: page 2 (flags 0x4), reached as the root of the main DB: expected a branch (0x01) or leaf (0x02) page');
    const badBounds = patched('tiny', (v) => v.setUint16(ROOT_PAGE + 12, 5000, true));
    expect(() => openLmdb(badBounds, { name: 's' }).get('alpha'))
      .toThrow('s: page 2 (leaf): free-space bounds lower=5000 upper=');
  });

  it('names a node whose offset or size runs outside its page', () => {
    const outside = patched('tiny', (v) => v.setUint16(ROOT_PAGE + 16, 4095, true));
    expect(() => [...openLmdb(outside, { name: 's' }).entries()])
      .toThrow('s: page 2 (leaf): node 0 offset 4095 is outside the page (expected 16..4088)');
    const longKey = patched('tiny', (v) => v.setUint16(ROOT_PAGE + v.getUint16(ROOT_PAGE + 16, true) + 6, 4000, true));
    expect(() => [...openLmdb(longKey, { name: 's' }).entries()]).toThrow(/^s: page 2 \(leaf\): node 0 \(key 4000 bytes, .*\) runs past the page end 4096$/);
  });

  it('stops at a tree deeper than the meta records (a cycle cannot loop forever)', () => {
    const bytes = fixtureBytes('branch').slice();
    const view = new DataView(bytes.buffer);
    const meta = view.getBigUint64(16 + 128, true) > view.getBigUint64(META1 + 16 + 128, true) ? 0 : META1;
    view.setUint16(meta + MAIN_DB + 6, 1, true); // depth 2 → 1
    expect(() => openLmdb(bytes, { name: 'b' }).get('key-0001')).toThrow(/^b: page \d+ \(child \d+ of b: page \d+ \(branch\)\) sits at level 2 but the meta records a tree of depth 1$/);
  });

  it('refuses DUPSORT and other key-order flags on the main DB', () => {
    expect(open(patched('tiny', (v) => v.setUint16(META1 + MAIN_DB + 4, 0x04 | 0x08, true))))
      .toThrow('store/data.mdb: the main DB has flags MDB_DUPSORT | MDB_INTEGERKEY; only plain byte-ordered keys without duplicates are supported');
  });
});
