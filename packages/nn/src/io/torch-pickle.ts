// A pickle virtual machine that never executes code: it rebuilds plain data (dicts, lists, tuples,
// numbers, strings, bytes) and calls only the JS stand-ins of allow-listed globals. Pure, bytes in.
// Opcodes: https://github.com/python/cpython/blob/main/Lib/pickletools.py
import { TorchCheckpointError } from './torch-zip.ts';

/** The JS stand-in of one allow-listed Python global. */
export interface PickleGlobal {
  /**
   * What REDUCE does with the argument tuple. Absent: the global is a plain value that can only be
   * passed around (a storage type, a dtype); calling it is an error.
   */
  readonly call?: (args: readonly unknown[]) => unknown;
}

/** A Python global as it sits on the VM's stack: its qualified name and its allow-listed stand-in. */
export class PickleGlobalRef {
  constructor(
    /** `module.name`, e.g. `torch.FloatStorage`. */
    readonly qualifiedName: string,
    readonly impl: PickleGlobal,
  ) {}
}

/** An instance of a global the caller declared opaque: its arguments and state kept, nothing called. */
export class PickleObject {
  /** What BUILD set (`__setstate__`'s argument), if anything. */
  state: unknown = undefined;
  constructor(
    /** `module.name` of the class or function. */
    readonly global: string,
    /** The REDUCE (or NEWOBJ) arguments. */
    readonly args: readonly unknown[],
  ) {}
}

/** Options of {@link unpickle}. */
export interface UnpickleOptions {
  /** The allow-list: stand-ins by `module.name`. Any other global is an error naming it. */
  globals: ReadonlyMap<string, PickleGlobal>;
  /** Resolves a persistent id (BINPERSID); without it, persistent ids are an error. */
  persistentLoad?: (pid: unknown) => unknown;
  /** Names the pickle in error messages, e.g. `'vit.pth: data.pkl'`. */
  name?: string;
  /**
   * What a Python 2 str (SHORT_BINSTRING, BINSTRING) becomes, as `pickle.load(encoding=…)`:
   * `'latin1'` (default) a string of one char per byte, `'bytes'` a `Uint8Array` (no copy into a
   * string: the fast way to read Python 2 pickles of binary data, e.g. numpy arrays).
   */
  encoding?: 'latin1' | 'bytes';
}

/** True for a Python tuple: tuples come back as frozen arrays, lists as ordinary ones. */
export const isTuple = (v: unknown): v is readonly unknown[] => Array.isArray(v) && Object.isFrozen(v);

const tuple = (items: unknown[]): readonly unknown[] => Object.freeze(items);

/**
 * Unpickles `bytes` (protocols 2–5, the binary opcodes) into JS values: dict → `Map`, list →
 * array, tuple → frozen array, int → number (bigint past 2^53), float → number, str → string,
 * bytes → `Uint8Array`, None → null, set → `Set`. Globals resolve only through `options.globals`;
 * text-protocol opcodes and anything that would call unknown code are errors naming the opcode
 * or the global and the byte offset.
 * @example
 * const value = unpickle(bytes, { globals: new Map([['collections.OrderedDict', { call: () => new Map() }]]) });
 */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions): unknown {
  return new Machine(bytes, options).run();
}

class Machine {
  private readonly view: DataView;
  private pos = 0;
  private stack: unknown[] = [];
  private readonly marks: unknown[][] = [];
  private readonly memo = new Map<number, unknown>();
  private readonly what: string;
  private opAt = 0;

  constructor(private readonly bytes: Uint8Array, private readonly options: UnpickleOptions) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.what = options.name ?? 'pickle';
  }

  run(): unknown {
    for (;;) {
      this.opAt = this.pos;
      const op = this.u8();
      if (op === 0x2e /* . STOP */) {
        if (this.stack.length !== 1 || this.marks.length) this.fail(`STOP with ${this.stack.length} values on the stack (expected 1)`);
        return this.stack[0];
      }
      this.step(op);
    }
  }

  private fail(msg: string): never {
    throw new TorchCheckpointError(`${this.what}: ${msg} (at byte ${this.opAt})`);
  }

  // NOTE: longer than the 60-line guideline on purpose: one line per opcode reads as the table it is.
  private step(op: number): void {
    switch (op) {
      case 0x80: { // PROTO
        const proto = this.u8();
        if (proto < 2 || proto > 5) this.fail(`pickle protocol ${proto} is not supported (2 to 5 are)`);
        return;
      }
      case 0x95: this.take(8); return; // FRAME: a length hint only; the bytes follow inline
      case 0x28: this.marks.push(this.stack); this.stack = []; return; // ( MARK
      case 0x7d: this.push(new Map()); return; // } EMPTY_DICT
      case 0x5d: this.push([]); return; // ] EMPTY_LIST
      case 0x29: this.push(tuple([])); return; // ) EMPTY_TUPLE
      case 0x8f: this.push(new Set()); return; // EMPTY_SET
      case 0x4e: this.push(null); return; // N NONE
      case 0x88: this.push(true); return; // NEWTRUE
      case 0x89: this.push(false); return; // NEWFALSE
      case 0x4a: this.push(this.view.getInt32(this.take(4), true)); return; // J BININT
      case 0x4b: this.push(this.u8()); return; // K BININT1
      case 0x4d: this.push(this.view.getUint16(this.take(2), true)); return; // M BININT2
      case 0x8a: this.push(this.long(this.u8())); return; // LONG1
      case 0x8b: this.push(this.long(this.u32())); return; // LONG4
      case 0x47: this.push(this.view.getFloat64(this.take(8), false)); return; // G BINFLOAT (big-endian)
      case 0x58: this.push(this.text(this.u32())); return; // X BINUNICODE
      case 0x8c: this.push(this.text(this.u8())); return; // SHORT_BINUNICODE
      case 0x8d: this.push(this.text(this.u64())); return; // BINUNICODE8
      case 0x54: this.push(this.py2str(this.i32len())); return; // T BINSTRING (Python 2 str)
      case 0x55: this.push(this.py2str(this.u8())); return; // U SHORT_BINSTRING
      case 0x42: this.push(this.raw(this.u32())); return; // B BINBYTES
      case 0x43: this.push(this.raw(this.u8())); return; // C SHORT_BINBYTES
      case 0x8e: this.push(this.raw(this.u64())); return; // BINBYTES8
      case 0x96: this.push(this.raw(this.u64())); return; // BYTEARRAY8
      case 0x85: this.push(tuple(this.popN(1))); return; // TUPLE1
      case 0x86: this.push(tuple(this.popN(2))); return; // TUPLE2
      case 0x87: this.push(tuple(this.popN(3))); return; // TUPLE3
      case 0x74: this.push(tuple(this.popMark())); return; // t TUPLE
      case 0x6c: this.push(this.popMark()); return; // l LIST
      case 0x64: this.push(this.pairs(new Map(), this.popMark())); return; // d DICT
      case 0x91: this.push(new Set(this.popMark())); return; // FROZENSET
      case 0x73: { // s SETITEM
        const [key, value] = this.popN(2);
        this.pairs(this.top('SETITEM'), [key, value]);
        return;
      }
      case 0x75: { // u SETITEMS
        const items = this.popMark();
        this.pairs(this.top('SETITEMS'), items);
        return;
      }
      case 0x61: this.list(this.popN(1)); return; // a APPEND
      case 0x65: this.list(this.popMark()); return; // e APPENDS
      case 0x90: { // ADDITEMS
        const items = this.popMark();
        const set = this.top('ADDITEMS');
        if (!(set instanceof Set)) this.fail(`ADDITEMS on a ${typeName(set)}, expected a set`);
        for (const item of items) set.add(item);
        return;
      }
      case 0x71: this.put(this.u8()); return; // q BINPUT
      case 0x72: this.put(this.u32()); return; // r LONG_BINPUT
      case 0x94: this.put(this.memo.size); return; // MEMOIZE
      case 0x68: this.push(this.get(this.u8())); return; // h BINGET
      case 0x6a: this.push(this.get(this.u32())); return; // j LONG_BINGET
      case 0x30: this.popN(1); return; // 0 POP
      case 0x31: this.popMark(); return; // 1 POP_MARK
      case 0x32: this.push(this.top('DUP')); return; // 2 DUP
      case 0x63: this.push(this.global(this.line(), this.line())); return; // c GLOBAL
      case 0x93: { // STACK_GLOBAL
        const [module, name] = this.popN(2);
        if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL needs two strings');
        this.push(this.global(module, name));
        return;
      }
      case 0x52: { // R REDUCE
        const [callable, args] = this.popN(2);
        this.push(this.call(callable, args, 'REDUCE'));
        return;
      }
      case 0x81: { // NEWOBJ: cls.__new__(cls, *args), allowed for the same globals as REDUCE
        const [cls, args] = this.popN(2);
        this.push(this.call(cls, args, 'NEWOBJ'));
        return;
      }
      case 0x62: this.build(); return; // b BUILD
      case 0x51: { // Q BINPERSID
        const [pid] = this.popN(1);
        if (!this.options.persistentLoad) this.fail('persistent id found but no persistent loader was given');
        this.push(this.options.persistentLoad(pid));
        return;
      }
      default:
        this.fail(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')} (${JSON.stringify(String.fromCharCode(op))}); ` +
          'only the binary opcodes of protocols 2–5 that plain data uses are read');
    }
  }

  private global(module: string, name: string): PickleGlobalRef {
    const qualified = `${module}.${name}`;
    const impl = this.options.globals.get(qualified);
    if (!impl) {
      this.fail(`refuses the global ${qualified}: it is not on the allow-list (${[...this.options.globals.keys()].join(', ')}); nothing was executed`);
    }
    return new PickleGlobalRef(qualified, impl);
  }

  private call(callable: unknown, args: unknown, opcode: string): unknown {
    if (!(callable instanceof PickleGlobalRef)) this.fail(`${opcode} on a ${typeName(callable)}, expected an allow-listed global`);
    if (!isTuple(args)) this.fail(`${opcode} of ${callable.qualifiedName} with ${typeName(args)} arguments, expected a tuple`);
    if (!callable.impl.call) this.fail(`${callable.qualifiedName} cannot be called`);
    try {
      return callable.impl.call(args);
    } catch (e) {
      if (e instanceof TorchCheckpointError) throw e;
      this.fail(`${callable.qualifiedName}${fmtArgs(args)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private build(): void {
    const [state] = this.popN(1);
    const obj = this.top('BUILD');
    // A dict's state is its attributes (an OrderedDict state dict's `_metadata`), not its items: dropped.
    if (obj instanceof Map) return;
    if (obj instanceof PickleObject) {
      obj.state = state;
      return;
    }
    this.fail(`BUILD (setting state) on a ${typeName(obj)} is not supported`);
  }

  private pairs(dict: unknown, items: readonly unknown[]): Map<unknown, unknown> {
    if (!(dict instanceof Map)) this.fail(`setting items on a ${typeName(dict)}, expected a dict`);
    if (items.length % 2) this.fail(`SETITEMS with an odd number (${items.length}) of keys and values`);
    for (let i = 0; i < items.length; i += 2) dict.set(items[i], items[i + 1]);
    return dict;
  }

  private list(items: readonly unknown[]): void {
    const list = this.top('APPEND');
    if (!Array.isArray(list) || Object.isFrozen(list)) this.fail(`APPEND on a ${typeName(list)}, expected a list`);
    list.push(...items);
  }

  // NOTE: reads `this.stack` only after the argument was evaluated: popMark() swaps the stack.
  private push(value: unknown): void {
    this.stack.push(value);
  }

  private put(index: number): void {
    this.memo.set(index, this.top('PUT'));
  }

  private get(index: number): unknown {
    if (!this.memo.has(index)) this.fail(`memo slot ${index} read before it was written`);
    return this.memo.get(index);
  }

  private top(opcode: string): unknown {
    if (!this.stack.length) this.fail(`${opcode} on an empty stack`);
    return this.stack[this.stack.length - 1];
  }

  private popN(n: number): unknown[] {
    if (this.stack.length < n) this.fail(`needs ${n} values on the stack, found ${this.stack.length}`);
    return this.stack.splice(this.stack.length - n, n);
  }

  private popMark(): unknown[] {
    const items = this.stack;
    const outer = this.marks.pop();
    if (!outer) this.fail('no MARK to pop to');
    this.stack = outer;
    return items;
  }

  /** Advances past `n` bytes and returns where they start; throws when the data ends first. */
  private take(n: number): number {
    if (this.pos + n > this.bytes.length) this.fail(`truncated: needs ${n} more bytes, ${this.bytes.length - this.pos} left`);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  private u8 = (): number => this.view.getUint8(this.take(1));
  private u32 = (): number => this.view.getUint32(this.take(4), true);

  private u64(): number {
    const value = this.view.getBigUint64(this.take(8), true);
    if (value > BigInt(this.bytes.length)) this.fail(`length ${value} exceeds the pickle's size`);
    return Number(value);
  }

  private i32len(): number {
    const n = this.view.getInt32(this.take(4), true);
    if (n < 0) this.fail(`negative length ${n}`);
    return n;
  }

  private raw(n: number): Uint8Array {
    const at = this.take(n);
    return this.bytes.slice(at, at + n);
  }

  private text(n: number): string {
    const at = this.take(n);
    return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(at, at + n));
  }

  private py2str(n: number): string | Uint8Array {
    return this.options.encoding === 'bytes' ? this.raw(n) : this.latin1(n);
  }

  private latin1(n: number): string {
    const at = this.take(n);
    const bytes = this.bytes.subarray(at, at + n);
    if (n <= 4096) return String.fromCharCode(...bytes);
    // NOTE: a BINSTRING can be 30 MB (a CIFAR batch): spreading it overflows the stack, and chunked
    // fromCharCode takes seconds. Latin1 byte b is UTF-16 code unit b: widen and decode at once.
    const wide = new Uint8Array(2 * n);
    for (let i = 0; i < n; i++) wide[2 * i] = bytes[i]!;
    return new TextDecoder('utf-16le', { ignoreBOM: true }).decode(wide);
  }

  /** A newline-terminated ASCII line (GLOBAL's module and name). */
  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) this.fail('truncated: GLOBAL name without a newline');
    const text = this.latin1(end - this.pos);
    this.pos = end + 1;
    return text;
  }

  /** A two's-complement little-endian integer of `n` bytes: a number when safe, else a bigint. */
  private long(n: number): number | bigint {
    const at = this.take(n);
    let value = 0n;
    for (let i = n - 1; i >= 0; i--) value = (value << 8n) | BigInt(this.bytes[at + i]!);
    if (n > 0 && this.bytes[at + n - 1]! & 0x80) value -= 1n << BigInt(8 * n);
    const small = Number(value);
    return Number.isSafeInteger(small) ? small : value;
  }
}

/** A short description of a value's Python-side type, for error messages. */
export function typeName(v: unknown): string {
  if (v === null) return 'None';
  if (v instanceof Map) return 'dict';
  if (v instanceof Set) return 'set';
  if (v instanceof Uint8Array) return 'bytes';
  if (v instanceof PickleGlobalRef) return `global ${v.qualifiedName}`;
  if (v instanceof PickleObject) return `${v.global} object`;
  if (isTuple(v)) return 'tuple';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return v.constructor?.name ?? 'object';
  return typeof v === 'bigint' ? 'int' : typeof v;
}

function fmtArgs(args: readonly unknown[]): string {
  return `(${args.map(typeName).join(', ')})`;
}
