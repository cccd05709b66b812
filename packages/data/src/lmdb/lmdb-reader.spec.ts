// The LMDB reader against files written by liblmdb 0.9 (py-lmdb) and by fixtures/make_fixtures.py's bulk loader.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openLmdbFile } from './lmdb-node.ts';
import { LmdbError } from './lmdb-layout.ts';
import { openLmdb, type LmdbDatabase } from './lmdb-reader.ts';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const fixtureBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(`${fixture(name)}/data.mdb`));
const text = (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** make_fixtures.py's value_bytes: (7 i + j) mod 251 for j < n. */
const valueBytes = (i: number, n: number): Uint8Array => Uint8Array.from({ length: n }, (_, j) => (7 * i + j) % 251);
/** make_fixtures.py's deep_key: `%04d-` then 395 letters cycling from (i mod 26). */
const deepKey = (i: number): string =>
  `${String(i).padStart(4, '0')}-` + Array.from({ length: 395 }, (_, j) => String.fromCharCode(97 + ((i + j) % 26))).join('');

/** Every fixture is read both ways: pread page by page and whole-file bytes. */
const MODES = [
  ['pread', (name: string) => openLmdbFile(fixture(name))],
  ['bytes', (name: string) => openLmdb(fixtureBytes(name), { name })],
] as const;

describe.each(MODES)('LmdbDatabase (%s)', (_mode, open) => {
  const withDb = <T>(name: string, fn: (db: LmdbDatabase) => T): T => {
    const db = open(name);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };

  it('reads a one-leaf database: size, key order, values, misses', () => {
    withDb('tiny', (db) => {
      expect(db.pageSize).toBe(4096);
      expect(db.size).toBe(5);
      expect([...db.entries()].map(([k, v]) => [text(k), text(v)])).toEqual([
        ['alpha', '1'], ['beta', '22'], ['delta', ''], ['epsilon', '5'.repeat(40)], ['gamma', '333'],
      ]);
      expect(text(db.get('gamma'))).toBe('333');
      expect(text(db.get(ascii('beta')))).toBe('22');
      expect(db.get('delta')).toEqual(new Uint8Array(0)); // an empty value is not a miss
      for (const miss of ['', 'a', 'alph', 'alphaa', 'c', 'zeta']) expect(db.get(miss)).toBeUndefined();
      expect(db.has('alpha')).toBe(true);
      expect(db.has('alph')).toBe(false);
    });
  });

  it('reads the snapshot of the meta page with the larger txnid', () => {
    withDb('two-txn', (db) => {
      // Not compacted: meta page 0 holds txn 2 (k1 rewritten, k9 added), meta page 1 the older txn 1.
      expect(db.meta.page).toBe(0);
      expect(db.meta.txnid).toBe(2n);
      expect([...db.entries()].map(([k, v]) => `${text(k)}=${text(v)}`)).toEqual(['k0=old-0', 'k1=new-1', 'k2=old-2', 'k9=new-9']);
    });
  });

  it('reads values larger than a page from their overflow runs', () => {
    withDb('overflow', (db) => {
      expect(db.meta.main.overflowPages).toBe(10);
      [5000, 8200, 20000, 100, 0].forEach((n, i) => expect(db.get(`big-${i}`)).toEqual(valueBytes(i, n)));
      expect(text(db.get('x'))).toBe('one-byte key');
      expect([...db.entries()].map(([k, v]) => [text(k), v.length])).toEqual([
        ['big-0', 5000], ['big-1', 8200], ['big-2', 20000], ['big-3', 100], ['big-4', 0], ['x', 12],
      ]);
    });
  });

  it('searches through a branch page and iterates its leaves in key order', () => {
    withDb('branch', (db) => {
      expect(db.meta.main.depth).toBe(2);
      expect(db.meta.main.leafPages).toBe(5);
      const keys = [...db.keys()].map(text);
      const expected = ['k', 'ke', 'key', ...Array.from({ length: 400 }, (_, i) => `key-${String(i).padStart(4, '0')}`)];
      expect(keys).toEqual(expected);
      expect(db.size).toBe(403);
      for (let i = 0; i < 400; i++) expect(db.get(`key-${String(i).padStart(4, '0')}`)).toEqual(valueBytes(i, 24));
      expect(text(db.get('ke'))).toBe('KE');
      for (const miss of ['key-', 'key-00', 'key-0399x', 'key-0400', 'key-1', 'j', 'l']) expect(db.get(miss)).toBeUndefined();
    });
  });

  it('finds every key of a depth-3 tree and misses keys between them', () => {
    withDb('deep', (db) => {
      expect(db.meta.main.depth).toBe(3);
      for (let i = 0; i < 150; i++) expect(text(db.get(deepKey(i)))).toBe(String(i));
      expect([...db.keys()].map(text)).toEqual(Array.from({ length: 150 }, (_, i) => deepKey(i)));
      expect(db.get(deepKey(7).slice(0, 300))).toBeUndefined();
      expect(db.get(`${deepKey(7)}!`)).toBeUndefined();
      expect(db.get('9999')).toBeUndefined();
    });
  });

  it('takes the page size from the meta page: a 16 KiB-page file', () => {
    withDb('page16k', (db) => {
      expect(db.pageSize).toBe(16384);
      // The bulk loader's older meta (page 0, txn 1) is an empty snapshot; page 1 (txn 2) holds the records.
      expect(db.meta.page).toBe(1);
      const entries = [...db.entries()];
      expect(entries.map(([k]) => text(k))).toEqual(Array.from({ length: 30 }, (_, i) => `rec-${String(i).padStart(2, '0')}`));
      entries.forEach(([, v], i) => expect(v).toEqual(valueBytes(i, i === 7 ? 20000 : 3 * i)));
      expect(db.get('rec-07')!.length).toBe(20000);
      expect(db.get('rec-30')).toBeUndefined();
    });
  });

  it('detects named sub-databases, leaves them out of entries and refuses to read one as a value', () => {
    withDb('named', (db) => {
      expect(db.subDatabases()).toEqual(['images']);
      expect(db.size).toBe(2); // as mdb_stat counts: the plain record and the sub-database's record
      expect([...db.entries()].map(([k, v]) => [text(k), text(v)])).toEqual([['plain', '1']]);
      expect(() => db.get('images')).toThrow(/named.*: page \d+ \(leaf\): key "images" names a sub-database \(F_SUBDATA\), not a value/);
      expect(() => db.get('images')).toThrow(LmdbError);
    });
  });
});

describe('openLmdb', () => {
  it('hands out plain Uint8Array views even over a Node Buffer (whose slice() would alias the file)', () => {
    const db = openLmdb(readFileSync(`${fixture('tiny')}/data.mdb`));
    const value = db.get('gamma')!;
    expect(Object.getPrototypeOf(value)).toBe(Uint8Array.prototype);
    expect(value.slice().buffer.byteLength).toBe(3);
    expect(db.name).toBe('<bytes>');
  });
});

describe('openLmdbFile', () => {
  it('opens a data.mdb path as well as its environment directory', () => {
    const db = openLmdbFile(`${fixture('tiny')}/data.mdb`, { mode: 'whole' });
    expect(db.name).toMatch(/fixtures\/tiny\/data\.mdb$/);
    expect(text(db.get('alpha'))).toBe('1');
  });

  it('names a path that does not exist', () => {
    expect(() => openLmdbFile(fixture('no-such-store'))).toThrow(/no-such-store: cannot open the LMDB environment/);
  });
});
