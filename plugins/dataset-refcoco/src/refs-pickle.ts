// refer's `refs(<splitBy>).p` (lichengunc/refer): a pickled list of referring-expression records,
// read with @crossmodal/nn's pickle VM (no code runs; the file needs no globals) and checked field
// by field. Pure: bytes in, records out.
import { aPickleValue, isTuple, pickleText, TorchCheckpointError, unpickle, type PickleGlobal } from '@crossmodal/nn';

/** A malformed refer file: the message names the file, the record and the field. */
export class RefcocoFormatError extends Error {
  override readonly name = 'RefcocoFormatError';
}

/** One expression of a ref (`ref['sentences'][i]`). */
export interface RefSentence {
  /** `sent_id`: unique over the dataset. */
  readonly sentId: number;
  /** `raw`: as the annotator typed it (ViLBERT feeds this to the tokenizer). */
  readonly raw: string;
  /** `sent`: refer's cleaned, lower-cased text (its `tokens` joined by spaces). */
  readonly sent: string;
  /** `tokens`: refer's own word split of `sent`. */
  readonly tokens: readonly string[];
}

/** One referred object (`refs[i]`): an annotation of an image and the expressions that name it. */
export interface RefRecord {
  readonly refId: number;
  /** The COCO annotation (instances.json `annotations[].id`) whose bbox is the target. */
  readonly annId: number;
  readonly imageId: number;
  readonly categoryId: number;
  /** `train`, `val`, `testA`, `testB` (unc), `test` (umd)… as stored. */
  readonly split: string;
  /** `file_name` (`COCO_train2014_<image id>_<ann id>.jpg`), when the record has one. */
  readonly fileName?: string;
  readonly sentIds: readonly number[];
  readonly sentences: readonly RefSentence[];
}

const NO_GLOBALS: ReadonlyMap<string, PickleGlobal> = new Map();
/** A Python list (the VM gives tuples as frozen arrays). */
const isList = (v: unknown): v is unknown[] => Array.isArray(v) && !isTuple(v);
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A Python 2 str (bytes from the VM) or a Python 3 / Python 2 unicode str, as text. Python 2 str
 * in refer's files hold UTF-8; bytes that are not UTF-8 are read as latin1 (nn's pickleText), as
 * Python 3's `pickle.load(f, encoding='latin1')` would.
 */
function asText(value: unknown): string | undefined {
  if (!(value instanceof Uint8Array)) return pickleText(value);
  try {
    return utf8.decode(value);
  } catch {
    return pickleText(value);
  }
}

/** nn's `aPickleValue` (`a list`, `an int`), with the value of a str or number: `an int (7)`. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = asText(value);
  if (text !== undefined) return `a str (${JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text)})`;
  const a = aPickleValue(value);
  return typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' ? `${a} (${String(value)})` : a;
}

/** Reads the fields of one pickled dict, failing with the file, the record, the field path and the value. */
class PickledDict {
  private constructor(
    private readonly where: string,
    private readonly path: string,
    private readonly fields: ReadonlyMap<string, unknown>,
  ) {}

  static of(where: string, path: string, value: unknown): PickledDict {
    if (!(value instanceof Map)) throw new RefcocoFormatError(`${where}${path ? `: ${path}` : ''}: got ${describeValue(value)}, expected a dict`);
    const fields = new Map<string, unknown>();
    for (const [key, v] of value) {
      const name = asText(key);
      if (name === undefined) throw new RefcocoFormatError(`${where}: ${path || 'record'}: has ${describeValue(key)} key, expected str keys`);
      fields.set(name, v);
    }
    return new PickledDict(where, path, fields);
  }

  private at(field: string): string {
    return this.path ? `${this.path}.${field}` : field;
  }

  fail(field: string, expected: string, value: unknown = this.fields.get(field)): never {
    const got = value === undefined ? 'missing' : `got ${describeValue(value)}`;
    throw new RefcocoFormatError(`${this.where}: ${this.at(field)}: ${got}, expected ${expected}`);
  }

  has(field: string): boolean {
    return this.fields.has(field);
  }

  int(field: string): number {
    const v = this.fields.get(field);
    return typeof v === 'number' && Number.isSafeInteger(v) ? v : this.fail(field, 'an int');
  }

  text(field: string): string {
    return asText(this.fields.get(field)) ?? this.fail(field, 'a str');
  }

  list(field: string): readonly unknown[] {
    const v = this.fields.get(field);
    return isList(v) ? v : this.fail(field, 'a list');
  }

  ints(field: string): number[] {
    return this.list(field).map((v, i) =>
      typeof v === 'number' && Number.isSafeInteger(v) ? v : this.fail(`${field}[${i}]`, 'an int', v),
    );
  }

  texts(field: string): string[] {
    return this.list(field).map((v, i) => asText(v) ?? this.fail(`${field}[${i}]`, 'a str', v));
  }

  dict(field: string, index: number, value: unknown): PickledDict {
    return PickledDict.of(this.where, `${this.at(field)}[${index}]`, value);
  }
}

/** Unpickles with no globals allowed; VM errors (truncation, a global, a text-protocol file) become format errors. */
function unpickleRefs(bytes: Uint8Array, file: string): unknown {
  if (bytes.length < 2 || bytes[0] !== 0x80) {
    throw new RefcocoFormatError(
      `${file}: not a binary pickle (it should start with PROTO, byte 0x80, then the protocol 2 to 5; ` +
        `got ${bytes.length ? `0x${bytes[0]!.toString(16).padStart(2, '0')}` : 'an empty file'}): ` +
        'protocol 0 and 1 text pickles are not read; re-save with pickle.dump(refs, f, 2)',
    );
  }
  try {
    return unpickle(bytes, { globals: NO_GLOBALS, name: file, encoding: 'bytes' });
  } catch (e) {
    if (!(e instanceof TorchCheckpointError)) throw e;
    const hint = /truncated/.test(e.message) ? ` (the file has ${bytes.length} bytes and ends inside a record: an incomplete download?)` : '';
    throw new RefcocoFormatError(`${e.message}${hint}`, { cause: e });
  }
}

/**
 * Parses a `refs(unc).p` / `refs(google).p` / `refs(umd).p`: a pickle (Python 2 protocol 2 as
 * refer ships it, or protocols 3–5 as Python 3 rewrites it) of a list of dicts `{sent_ids,
 * file_name, ann_id, ref_id, image_id, split, sentences: [{tokens, raw, sent_id, sent}],
 * category_id}`. Python 2 str and unicode both read as text. Any global (the real file has none)
 * is refused by name, before anything runs.
 * @param file - its path, for messages
 * @example
 * const refs = parseRefsPickle(readFileSync('refcoco/refs(unc).p'), 'refcoco/refs(unc).p');
 * refs[0].sentences[0].raw; // 'man on the left'
 */
export function parseRefsPickle(bytes: Uint8Array, file: string): RefRecord[] {
  const value = unpickleRefs(bytes, file);
  if (!isList(value)) {
    throw new RefcocoFormatError(`${file}: holds ${describeValue(value)}, expected a list of ref dicts`);
  }
  return value.map((record, index) => parseRecord(file, index, record));
}

function parseRecord(file: string, index: number, record: unknown): RefRecord {
  const first = PickledDict.of(`${file}: record ${index}`, '', record);
  // Name the ref in later messages once its id is known: records are found by ref_id in refer.
  const refId = first.int('ref_id');
  const r = PickledDict.of(`${file}: record ${index} (ref_id ${refId})`, '', record);
  const sentIds = r.ints('sent_ids');
  const sentences = r.list('sentences').map((s, i) => {
    const d = r.dict('sentences', i, s);
    return { sentId: d.int('sent_id'), raw: d.text('raw'), sent: d.text('sent'), tokens: d.texts('tokens') };
  });
  // ViLBERT zips sentences with sent_ids: they must agree one to one.
  const ids = sentences.map((s) => s.sentId);
  if (ids.length !== sentIds.length || ids.some((id, i) => id !== sentIds[i])) {
    r.fail('sent_ids', `the sent_id of each sentence in order, [${ids.join(', ')}]`);
  }
  if (sentences.length === 0) r.fail('sentences', 'at least one sentence');
  return {
    refId,
    annId: r.int('ann_id'),
    imageId: r.int('image_id'),
    categoryId: r.int('category_id'),
    split: r.text('split'),
    ...(r.has('file_name') ? { fileName: r.text('file_name') } : {}),
    sentIds,
    sentences,
  };
}
