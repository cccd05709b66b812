// Test-only helpers (specs import them): pickle bytes and stored zip archives, to build checkpoints byte by byte.
import { crc32 } from './torch-zip.ts';

/** A zip archive holding `entries` uncompressed, in the given order. */
export function writeStoredZip(entries: Readonly<Record<string, Uint8Array | string>>): Uint8Array {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(entries)) {
    const data = typeof content === 'string' ? enc.encode(content) : content;
    const nameBytes = enc.encode(name);
    const crc = crc32(data);
    const local = new Uint8Array(30 + nameBytes.length + data.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, nameBytes.length, true);
    local.set(nameBytes, 30);
    local.set(data, 30 + nameBytes.length);
    const central = new Uint8Array(46 + nameBytes.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, data.length, true);
    cv.setUint16(28, nameBytes.length, true);
    cv.setUint32(42, offset, true);
    central.set(nameBytes, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const cdSize = centrals.reduce((n, c) => n + c.length, 0);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, centrals.length, true);
  ev.setUint16(10, centrals.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let at = 0;
  for (const part of [...locals, ...centrals, eocd]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Pickle bytes from opcode numbers, ASCII strings (raw bytes) and byte arrays. */
export const pkl = (...parts: (number | string | Uint8Array)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : typeof p === 'string' ? [...new TextEncoder().encode(p)] : [...p])));

/** A little-endian int32. */
export const le32 = (n: number): Uint8Array => new Uint8Array(new Int32Array([n]).buffer);

/** SHORT_BINUNICODE of `s`. */
export const su = (s: string): Uint8Array => pkl(0x8c, new TextEncoder().encode(s).length, s);

/** A small non-negative int: BININT1 or BININT. */
export const int = (n: number): Uint8Array => (n < 256 ? pkl(0x4b, n) : pkl(0x4a, le32(n)));

/** A tuple of small ints. */
export const ints = (xs: readonly number[]): Uint8Array => pkl(0x28, ...xs.map(int), 0x74);

/** The pickle of `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())`. */
export function tensorPickle(t: { type?: string; key: string; numel: number; offset?: number; size: number[]; stride: number[] }): Uint8Array {
  return pkl(
    0x63, 'torch._utils\n_rebuild_tensor_v2\n', 0x28,
    0x28, su('storage'), 0x63, `torch\n${t.type ?? 'FloatStorage'}\n`, su(t.key), su('cpu'), int(t.numel), 0x74, 0x51,
    int(t.offset ?? 0), ints(t.size), ints(t.stride), 0x89, 0x63, 'collections\nOrderedDict\n', 0x29, 0x52,
    0x74, 0x52,
  );
}

/** A whole pickle: PROTO 2, a dict of `entries` (pickled values), STOP. */
export const dictPickle = (entries: Readonly<Record<string, Uint8Array>>): Uint8Array =>
  pkl(0x80, 2, 0x7d, 0x28, ...Object.entries(entries).flatMap(([k, v]) => [su(k), v]), 0x75, 0x2e);
