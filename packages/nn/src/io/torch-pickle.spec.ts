// The pickle VM: each opcode a state dict uses on hand-written bytes, and every refusal.
import { describe, expect, it } from 'vitest';
import { isTuple, PickleObject, unpickle, type PickleGlobal } from './torch-pickle.ts';
import { le32, pkl, su } from './torch-testing.ts';
import { TorchCheckpointError } from './torch-zip.ts';

const none = new Map<string, PickleGlobal>();
const run = (body: Uint8Array, globals = none): unknown => unpickle(pkl(0x80, 2, body, 0x2e), { globals, name: 't.pkl' });

describe('unpickle', () => {
  it('reads integers of every width, including negative LONG1 and bigints past 2^53', () => {
    expect(run(pkl(0x4b, 200))).toBe(200); // BININT1
    expect(run(pkl(0x4d, 0x34, 0x12))).toBe(0x1234); // BININT2
    expect(run(pkl(0x4a, le32(-5)))).toBe(-5); // BININT
    expect(run(pkl(0x8a, 2, 0xff, 0x7f))).toBe(0x7fff); // LONG1
    expect(run(pkl(0x8a, 1, 0xff))).toBe(-1);
    expect(run(pkl(0x8a, 0))).toBe(0);
    expect(run(pkl(0x8a, 8, 1, 0, 0, 0, 0, 0, 0x20, 0))).toBe(2n ** 53n + 1n);
  });

  it('reads big-endian BINFLOAT, booleans and None', () => {
    expect(run(pkl(0x47, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a))).toBe(0.1);
    expect(run(pkl(0x88, 0x89, 0x4e, 0x87))).toEqual([true, false, null]);
  });

  it('reads unicode (UTF-8), Python 2 strings (latin-1) and bytes', () => {
    expect(run(su('ünï'))).toBe('ünï');
    expect(run(pkl(0x58, le32(2), 'ab'))).toBe('ab'); // BINUNICODE
    expect(run(pkl(0x55, 2, 0xe9, 0x41))).toBe('éA'); // SHORT_BINSTRING
    expect(run(pkl(0x43, 3, 1, 2, 3))).toEqual(new Uint8Array([1, 2, 3])); // SHORT_BINBYTES
  });

  it('builds lists, tuples (frozen), dicts and sets through MARK, APPEND(S) and SETITEM(S)', () => {
    const list = run(pkl(0x5d, 0x4b, 1, 0x61, 0x28, 0x4b, 2, 0x4b, 3, 0x65));
    expect(list).toEqual([1, 2, 3]);
    expect(isTuple(list)).toBe(false);
    const t = run(pkl(0x28, 0x4b, 1, 0x4b, 2, 0x4b, 3, 0x4b, 4, 0x74));
    expect(t).toEqual([1, 2, 3, 4]);
    expect(isTuple(t)).toBe(true);
    expect(run(pkl(0x4b, 9, 0x85))).toEqual([9]);
    const dict = run(pkl(0x7d, su('a'), 0x4b, 1, 0x73, 0x28, su('b'), 0x4b, 2, 0x4b, 7, 0x4e, 0x75));
    expect(dict).toEqual(new Map<unknown, unknown>([['a', 1], ['b', 2], [7, null]]));
    expect(run(pkl(0x8f, 0x28, 0x4b, 1, 0x4b, 1, 0x4b, 2, 0x90))).toEqual(new Set([1, 2]));
  });

  it('shares memoised objects (BINPUT/BINGET, MEMOIZE, LONG_BINPUT) and skips FRAME', () => {
    const out = run(pkl(
      0x95, 0, 0, 0, 0, 0, 0, 0, 0, // FRAME
      0x5d, 0x71, 3, 0x30, // [] → slot 3, POP
      0x5d, 0x94, 0x72, le32(70_000), 0x30, // [] → slot 1 (MEMOIZE counts entries) and slot 70000, POP
      0x68, 3, 0x6a, le32(70_000), 0x68, 1, 0x87,
    ));
    expect(isTuple(out) && out[0] !== out[1] && out[1] === out[2]).toBe(true);
    expect(run(pkl(0x5d, 0x94, 0x30, 0x68, 0))).toEqual([]); // MEMOIZE fills slot 0, POP, then BINGET 0
  });

  it('handles DUP, POP and POP_MARK', () => {
    expect(run(pkl(0x4b, 1, 0x32, 0x86))).toEqual([1, 1]);
    expect(run(pkl(0x4b, 1, 0x28, 0x4b, 2, 0x4b, 3, 0x31))).toBe(1);
  });

  it('calls only allow-listed globals, through GLOBAL and STACK_GLOBAL', () => {
    const globals = new Map<string, PickleGlobal>([['m.f', { call: (args) => `f${JSON.stringify(args)}` }]]);
    expect(run(pkl(0x63, 'm\nf\n', 0x4b, 1, 0x85, 0x52), globals)).toBe('f[1]');
    expect(run(pkl(su('m'), su('f'), 0x93, 0x29, 0x52), globals)).toBe('f[]');
    expect(() => run(pkl(0x63, 'os\nsystem\n', su('echo'), 0x85, 0x52), globals))
      .toThrow('t.pkl: refuses the global os.system: it is not on the allow-list (m.f); nothing was executed (at byte 2)');
    expect(() => run(pkl(su('builtins'), su('eval'), 0x93), globals)).toThrow(/refuses the global builtins\.eval/);
  });

  it('keeps the arguments and BUILD state of an opaque object without calling anything', () => {
    const globals = new Map<string, PickleGlobal>([['argparse.Namespace', { call: (a) => new PickleObject('argparse.Namespace', a) }]]);
    const out = run(pkl(0x63, 'argparse\nNamespace\n', 0x29, 0x81, 0x7d, su('lr'), 0x4b, 3, 0x73, 0x62), globals);
    expect(out).toBeInstanceOf(PickleObject);
    expect((out as PickleObject).state).toEqual(new Map([['lr', 3]]));
  });

  it.each([
    ['an unsupported (text) opcode', pkl(0x49, '1\n'), /unsupported pickle opcode 0x49 \("I"\)/],
    ['a truncated string', pkl(0x58, le32(10), 'ab'), /truncated: needs 10 more bytes, 3 left/],
    ['a memo read before a write', pkl(0x68, 4), /memo slot 4 read before it was written/],
    ['REDUCE on a plain value', pkl(0x4b, 1, 0x29, 0x52), /REDUCE on a number, expected an allow-listed global/],
    ['SETITEM on a list', pkl(0x5d, 0x4b, 1, 0x4b, 2, 0x73), /setting items on a list, expected a dict/],
    ['APPEND on a tuple', pkl(0x29, 0x4b, 1, 0x61), /APPEND on a tuple, expected a list/],
    ['BUILD on a list', pkl(0x5d, 0x4e, 0x62), /BUILD \(setting state\) on a list is not supported/],
    ['a pop from an empty stack', pkl(0x30), /needs 1 values on the stack, found 0/],
    ['a persistent id with no loader', pkl(0x4b, 1, 0x51), /persistent id found but no persistent loader/],
  ])('rejects %s', (_, body, message) => {
    expect(() => run(body)).toThrow(TorchCheckpointError);
    expect(() => run(body)).toThrow(message);
  });

  it('rejects protocols below 2, data after the last value and a missing STOP', () => {
    expect(() => unpickle(pkl(0x80, 1, 0x4e, 0x2e), { globals: none })).toThrow('pickle: pickle protocol 1 is not supported (2 to 5 are) (at byte 0)');
    expect(() => unpickle(pkl(0x80, 2, 0x4e, 0x4e, 0x2e), { globals: none })).toThrow(/STOP with 2 values on the stack/);
    expect(() => unpickle(pkl(0x80, 2, 0x4e), { globals: none })).toThrow(/truncated/);
  });

  it('refuses to call a global that is only a value (a storage type)', () => {
    const globals = new Map<string, PickleGlobal>([['torch.FloatStorage', {}]]);
    expect(() => run(pkl(0x63, 'torch\nFloatStorage\n', 0x29, 0x52), globals)).toThrow(/torch\.FloatStorage cannot be called/);
  });
});
