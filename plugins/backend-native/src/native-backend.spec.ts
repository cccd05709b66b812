// The backend's storage bookkeeping: live storages and bytes counted exactly, released arrays kept
// for reuse (zeroed when handed out again) up to a limit, never aliased by a later allocation.
import { describe, expect, it } from 'vitest';
import { testBackend } from './testing.ts';
import { REUSE_LIMIT_BYTES } from './native-backend.ts';

const loaded = testBackend();
const native = typeof loaded === 'string' ? undefined : loaded;

describe.skipIf(!native)('NativeBackend storage', () => {
  it('counts live storages and bytes, and hands a released array out again zeroed', () => {
    const be = native!;
    be.trim();
    const before = be.memory();
    const a = be.upload(Float32Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(be.memory()).toEqual({ storages: before.storages + 1, bytes: before.bytes + 4000, cachedBytes: 0 });
    const data = a.data;
    be.release(a);
    expect(be.memory()).toEqual({ ...before, cachedBytes: 4000 });
    const b = be.alloc('float32', 1000);
    expect(b.data).toBe(data); // the same memory, already mapped
    expect([...b.data].every((x) => x === 0)).toBe(true);
    expect(be.memory().cachedBytes).toBe(0);
    const c = be.alloc('float32', 1000); // the free list is empty again: a new array
    expect(c.data).not.toBe(data);
    be.release(b);
    be.release(c);
    be.trim();
    expect(be.memory()).toEqual(before);
  });

  it('hands a released array out unzeroed only through outUninitialized', () => {
    const be = native!;
    be.trim();
    const a = be.upload(Float32Array.from({ length: 300 }, () => 7));
    const data = a.data;
    be.release(a);
    const b = be.outUninitialized({ dtype: 'float32', size: 300, shape: [300] });
    expect(b.data).toBe(data);
    expect(b.data[0]).toBe(7); // not zeroed: the kernel overwrites every element
    const c = be.outUninitialized({ dtype: 'float32', size: 300, shape: [300] }); // nothing free: a fresh, zeroed array
    expect([...c.data].every((x) => x === 0)).toBe(true);
    be.release(b);
    be.release(c);
    be.trim();
  });

  it('keeps dtypes apart and does not keep small arrays', () => {
    const be = native!;
    be.trim();
    const f = be.alloc('float32', 512);
    be.release(f);
    expect(be.alloc('int32', 512).data).toBeInstanceOf(Int32Array);
    const small = be.alloc('float32', 8);
    be.release(small);
    expect(be.memory().cachedBytes).toBe(2048); // only the 512-element float array
    be.trim();
  });

  it(`keeps at most ${REUSE_LIMIT_BYTES / 2 ** 20} MiB for reuse`, () => {
    const be = native!;
    be.trim();
    const big = Math.floor((REUSE_LIMIT_BYTES / 4) * 0.6); // two of these exceed the limit
    const [x, y] = [be.alloc('float32', big), be.alloc('float32', big)];
    be.release(x);
    be.release(y);
    expect(be.memory().cachedBytes).toBe(big * 4);
    be.trim();
  });
});
