// The safetensors header: parsing and validating it against the spec (https://github.com/huggingface/safetensors).

/** Every fixed-width dtype the safetensors spec names (sub-byte float formats are not listed). */
export type SafetensorsDType =
  | 'BOOL' | 'U8' | 'I8' | 'F8_E5M2' | 'F8_E4M3' | 'F8_E8M0'
  | 'I16' | 'U16' | 'F16' | 'BF16'
  | 'I32' | 'U32' | 'F32'
  | 'I64' | 'U64' | 'F64' | 'C64';

/** Bytes per element of each safetensors dtype. */
export const SAFETENSORS_DTYPE_BYTES: Readonly<Record<SafetensorsDType, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, F8_E8M0: 1,
  I16: 2, U16: 2, F16: 2, BF16: 2,
  I32: 4, U32: 4, F32: 4,
  I64: 8, U64: 8, F64: 8, C64: 8,
};

/** The spec's (and the reference implementation's) cap on the header size: 100 MB. */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor's entry in the header. */
export interface SafetensorsEntry {
  /** Element type as the file stores it. */
  readonly dtype: SafetensorsDType;
  /** Dimensions; `[]` is a scalar. */
  readonly shape: readonly number[];
  /** `[begin, end)` byte range, relative to the first byte after the header. */
  readonly dataOffsets: readonly [number, number];
}

/** A parsed, validated header: where the data starts, each tensor's entry, and the metadata. */
export interface SafetensorsHeader {
  /** Length in bytes of the JSON header (padding included), as the 8-byte prefix says. */
  readonly headerLength: number;
  /** Absolute offset of the data section in the file (`8 + headerLength`). */
  readonly dataStart: number;
  /** Bytes in the data section; tensors tile it exactly. */
  readonly dataLength: number;
  /** Entries by tensor name, in the header's order. */
  readonly tensors: Readonly<Record<string, SafetensorsEntry>>;
  /** The optional `__metadata__` map (empty when absent). */
  readonly metadata: Readonly<Record<string, string>>;
}

/** A file that breaks the safetensors format; the message names the thing and what was expected. */
export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
}

function fail(message: string): never {
  throw new SafetensorsError(`safetensors: ${message}`);
}

/**
 * Parses and validates the header of a whole safetensors file without decoding any tensor:
 * the length prefix, the JSON, every entry (dtype, shape, offsets against shape × dtype size),
 * bounds, and that the tensors tile the data section with no overlap and no hole.
 * @example
 * const { tensors } = readSafetensorsHeader(bytes);
 * for (const [name, { dtype, shape }] of Object.entries(tensors)) console.log(name, dtype, shape);
 */
export function readSafetensorsHeader(bytes: Uint8Array): SafetensorsHeader {
  const headerLength = readHeaderLength(bytes);
  const dataStart = 8 + headerLength;
  const json = parseHeaderJson(bytes.subarray(8, dataStart));
  const dataLength = bytes.length - dataStart;
  // NOTE: Object.fromEntries, not assignment: a tensor named "__proto__" must stay a plain key.
  const tensors = Object.fromEntries(
    Object.entries(json).filter(([name]) => name !== '__metadata__').map(([name, v]) => [name, parseEntry(name, v, dataLength)]),
  );
  const metadata = Object.hasOwn(json, '__metadata__') ? parseMetadata(json['__metadata__']) : {};
  checkTiling(tensors, dataLength);
  return { headerLength, dataStart, dataLength, tensors, metadata };
}

/** Number of elements of `shape` (1 for a scalar). */
export const elementCount = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function readHeaderLength(bytes: Uint8Array): number {
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, shorter than the 8-byte header-length prefix`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  // The cap first: a file that is not safetensors at all usually shows a huge length here.
  if (n > BigInt(MAX_HEADER_BYTES)) fail(`header length ${n} exceeds the ${MAX_HEADER_BYTES}-byte (100 MB) limit`);
  if (n > BigInt(bytes.length - 8)) {
    fail(`header length ${n} is larger than the file (${bytes.length - 8} bytes after the 8-byte prefix)`);
  }
  return Number(n);
}

function parseHeaderJson(raw: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return fail(`header (${raw.length} bytes) is not valid UTF-8`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return fail(`header is not valid JSON (${e instanceof Error ? e.message : String(e)}): ${preview(text)}`);
  }
  if (!isRecord(json)) return fail(`header must be a JSON object, got ${kindOf(json)}`);
  return json;
}

function parseMetadata(value: unknown): Record<string, string> {
  if (!isRecord(value)) return fail(`__metadata__ must be an object of string values, got ${kindOf(value)}`);
  const entries = Object.entries(value).map(([key, v]): [string, string] => {
    if (typeof v !== 'string') fail(`__metadata__ value for '${key}' must be a string, got ${kindOf(v)}`);
    return [key, v];
  });
  return Object.fromEntries(entries);
}

function parseEntry(name: string, value: unknown, dataLength: number): SafetensorsEntry {
  if (!isRecord(value)) return fail(`tensor '${name}' entry must be an object, got ${kindOf(value)}`);
  for (const field of ['dtype', 'shape', 'data_offsets']) {
    if (!(field in value)) fail(`tensor '${name}' is missing '${field}' (expected {dtype, shape, data_offsets})`);
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (!isDType(dtype)) {
    fail(`tensor '${name}' has unknown dtype ${JSON.stringify(dtype)}; expected one of ${Object.keys(SAFETENSORS_DTYPE_BYTES).join(', ')}`);
  }
  if (!isCountArray(shape)) {
    fail(`tensor '${name}' shape must be an array of integers >= 0, got ${JSON.stringify(shape)}`);
  }
  const [begin, end] = isCountArray(offsets) && offsets.length === 2 ? offsets : [-1, -1];
  if (begin === undefined || end === undefined || begin < 0 || begin > end) {
    fail(`tensor '${name}' data_offsets must be [begin, end] with integers 0 <= begin <= end, got ${JSON.stringify(offsets)}`);
  }
  const needed = elementCount(shape) * SAFETENSORS_DTYPE_BYTES[dtype];
  if (end - begin !== needed) {
    const held = `data_offsets [${begin}, ${end}] hold ${end - begin} bytes`;
    fail(`tensor '${name}' ${held}, but shape [${shape.join(', ')}] of ${dtype} needs ${needed}`);
  }
  if (end > dataLength) fail(`truncated: tensor '${name}' needs bytes [${begin}, ${end}) but the data section has ${dataLength}`);
  return { dtype, shape, dataOffsets: [begin, end] };
}

/** The spec requires the tensors to cover the data section exactly: no overlap, no hole. */
function checkTiling(tensors: Readonly<Record<string, SafetensorsEntry>>, dataLength: number): void {
  const spans = Object.entries(tensors)
    .map(([name, e]) => ({ name, begin: e.dataOffsets[0], end: e.dataOffsets[1] }))
    .sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let last: (typeof spans)[number] | undefined;
  for (const span of spans) {
    if (span.begin < covered && last) {
      fail(`tensor '${span.name}' bytes [${span.begin}, ${span.end}) overlap tensor '${last.name}' bytes [${last.begin}, ${last.end})`);
    }
    if (span.begin > covered) {
      const where = last ? `between '${last.name}' and '${span.name}'` : `before '${span.name}'`;
      fail(`bytes [${covered}, ${span.begin}) of the data section belong to no tensor (${where}); the spec forbids holes`);
    }
    covered = span.end;
    last = span;
  }
  if (covered < dataLength) {
    const where = last ? `after '${last.name}'` : 'and the header lists no tensor';
    fail(`bytes [${covered}, ${dataLength}) of the data section belong to no tensor (${where}); the spec forbids holes`);
  }
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
const isCountArray = (x: unknown): x is number[] => Array.isArray(x) && x.every(isCount);
// NOTE: Object.hasOwn, not `in`: `'toString' in table` is true through the prototype.
const isDType = (x: unknown): x is SafetensorsDType => typeof x === 'string' && Object.hasOwn(SAFETENSORS_DTYPE_BYTES, x);
const kindOf = (x: unknown): string => (x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x);
const preview = (text: string): string => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
