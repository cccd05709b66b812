// Test-only (exported through @crossmodal/nn/testing): a few pickle opcodes, for specs that need
// pickles the fixtures do not hold: full-size arrays, other dtypes, byte orders and damaged dicts.
// Writes Python 2 cPickle's protocol-2 forms.
const cat = (...parts: (Uint8Array | number[])[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
};
const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const u32 = (n: number): number[] => [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];

/** Pickle fragments: each pushes one value. */
export const P = {
  /** A Python 2 str: SHORT_BINSTRING below 256 bytes, BINSTRING above. */
  str: (s: string | Uint8Array): Uint8Array => {
    const bytes = typeof s === 'string' ? Uint8Array.from(ascii(s)) : s;
    return bytes.length < 256 ? cat([0x55, bytes.length], bytes) : cat([0x54, ...u32(bytes.length)], bytes);
  },
  int: (n: number): Uint8Array => Uint8Array.from([0x4a, ...u32(n >>> 0)]),
  none: Uint8Array.of(0x4e),
  global: (module: string, name: string): Uint8Array => Uint8Array.from([0x63, ...ascii(`${module}\n${name}\n`)]),
  tuple: (...items: Uint8Array[]): Uint8Array => cat([0x28], ...items, [0x74]),
  list: (...items: Uint8Array[]): Uint8Array => cat([0x5d, 0x28], ...items, [0x65]),
  /** A numpy array as numpy pickles it at protocol 2: _reconstruct + BUILD(state). */
  ndarray: (shape: number[], dtype: string, data: Uint8Array, { order = '|', fortran = false } = {}): Uint8Array =>
    cat(
      P.global('numpy.core.multiarray', '_reconstruct'), P.tuple(P.global('numpy', 'ndarray'), P.tuple(P.int(0)), P.str('b')), [0x52],
      P.tuple(
        P.int(1), P.tuple(...shape.map(P.int)),
        cat(P.global('numpy', 'dtype'), P.tuple(P.str(dtype), P.int(0), P.int(1)), [0x52],
          P.tuple(P.int(3), P.str(order), P.none, P.none, P.none, P.int(-1), P.int(-1), P.int(0)), [0x62]),
        Uint8Array.of(fortran ? 0x88 : 0x89), P.str(data),
      ),
      [0x62],
    ),
};

/** A protocol-2 pickle of a dict with Python 2 str keys. */
export function pickleDict(entries: Record<string, Uint8Array>): Uint8Array {
  return cat([0x80, 0x02, 0x7d, 0x28], ...Object.entries(entries).flatMap(([k, v]) => [P.str(k), v]), [0x75, 0x2e]);
}
