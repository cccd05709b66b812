// Reads the parts of a Hugging Face tokenizer.json that a BERT WordPiece tokenizer is made of:
// the WordPiece model, the BertNormalizer flags, the special tokens; anything else is refused.
import type { BasicTokenizerOptions } from './basic-tokenizer.ts';
import { TokenizerError, Vocab } from './vocab.ts';

/** Everything a `BertTokenizer` takes from a tokenizer.json. */
export interface TokenizerJsonSettings {
  readonly vocab: Vocab;
  readonly normalizer: Required<Omit<BasicTokenizerOptions, 'neverSplit'>>;
  readonly unkToken: string;
  readonly continuingSubwordPrefix: string;
  readonly maxInputCharsPerWord: number;
  /** [CLS] and [SEP] as the post-processor names them, when it does. */
  readonly clsToken?: string;
  readonly sepToken?: string;
  /** The padding token of the saved `padding` settings, when present. */
  readonly padToken?: string;
  /** Contents of the added tokens marked special (kept whole by the basic tokenizer). */
  readonly specialTokens: readonly string[];
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Parses a tokenizer.json (text or already-parsed JSON) whose `model.type` is "WordPiece".
 * @example
 * const settings = parseTokenizerJson(readFileSync('tokenizer.json', 'utf8'));
 * settings.normalizer.lowercase; // true for bert-base-uncased
 */
export function parseTokenizerJson(json: unknown, source = 'tokenizer.json'): TokenizerJsonSettings {
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json) as unknown;
    } catch (e) {
      throw new TokenizerError(`${source}: not valid JSON (${(e as Error).message})`);
    }
  }
  if (!isObject(json)) throw new TokenizerError(`${source}: expected a JSON object at the top level`);
  const model = json['model'];
  if (!isObject(model)) throw new TokenizerError(`${source}: missing "model" object`);
  if (model['type'] !== 'WordPiece') {
    throw new TokenizerError(
      `${source}: model.type is ${JSON.stringify(model['type'])}; expected "WordPiece" (only BERT-style WordPiece tokenizers are supported)`,
    );
  }
  const pre = json['pre_tokenizer'];
  if (isObject(pre) && pre['type'] !== 'BertPreTokenizer') {
    // Another pre-tokenizer (Whitespace, Metaspace…) splits words differently from BERT's basic tokenizer.
    throw new TokenizerError(`${source}: pre_tokenizer.type is ${JSON.stringify(pre['type'])}; expected "BertPreTokenizer"`);
  }
  const field = <T>(name: string, ok: (x: unknown) => x is T, expected: string, fallback: T): T => {
    const v = model[name];
    if (v === undefined) return fallback;
    if (!ok(v)) throw new TokenizerError(`${source}: model.${name} is ${JSON.stringify(v)}; expected ${expected}`);
    return v;
  };
  const isString = (x: unknown): x is string => typeof x === 'string' && x.length > 0;
  const isCount = (x: unknown): x is number => Number.isInteger(x) && (x as number) >= 1;
  const unkToken = field('unk_token', isString, 'a non-empty string', '[UNK]');
  const continuingSubwordPrefix = field('continuing_subword_prefix', isString, 'a non-empty string', '##');
  const maxInputCharsPerWord = field('max_input_chars_per_word', isCount, 'an integer >= 1', 100);
  const vocabJson = model['vocab'];
  if (!isObject(vocabJson)) throw new TokenizerError(`${source}: model.vocab must be an object of token → id`);

  const entries = new Map(Object.entries(vocabJson) as [string, number][]);
  const specialTokens = addedTokens(json['added_tokens'], entries, source);
  return {
    vocab: Vocab.fromEntries(entries, source),
    normalizer: normalizerOf(json['normalizer'], source),
    unkToken,
    continuingSubwordPrefix,
    maxInputCharsPerWord,
    ...postProcessorTokens(json['post_processor']),
    ...(isObject(json['padding']) && typeof json['padding']['pad_token'] === 'string' ? { padToken: json['padding']['pad_token'] } : {}),
    specialTokens,
  };
}

// added_tokens entries join the vocabulary (an id clash is caught by Vocab.fromEntries);
// the special ones are returned so the basic tokenizer never splits them.
function addedTokens(added: unknown, entries: Map<string, number>, source: string): string[] {
  if (added === undefined || added === null) return [];
  if (!Array.isArray(added)) throw new TokenizerError(`${source}: added_tokens must be an array`);
  const special: string[] = [];
  added.forEach((t, i) => {
    if (!isObject(t) || typeof t['content'] !== 'string' || !Number.isInteger(t['id'])) {
      throw new TokenizerError(`${source}: added_tokens[${i}] must be { id: integer, content: string }, got ${JSON.stringify(t)}`);
    }
    const content = t['content'];
    const id = t['id'] as number;
    const known = entries.get(content);
    if (known !== undefined && known !== id) {
      throw new TokenizerError(`${source}: added_tokens[${i}] ${JSON.stringify(content)} has id ${id} but model.vocab gives it ${known}`);
    }
    entries.set(content, id);
    if (t['special'] === true) special.push(content);
  });
  return special;
}

// The BertNormalizer flags, or an equivalent Sequence of Lowercase / NFD / StripAccents.
function normalizerOf(n: unknown, source: string): TokenizerJsonSettings['normalizer'] {
  const off = { lowercase: false, stripAccents: false, handleChineseChars: false, cleanText: false };
  if (n === undefined || n === null) return off;
  if (!isObject(n)) throw new TokenizerError(`${source}: normalizer must be an object or null`);
  const flag = (name: string, fallback: boolean): boolean => {
    const v = n[name];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') throw new TokenizerError(`${source}: normalizer.${name} is ${JSON.stringify(v)}; expected true, false or null`);
    return v;
  };
  switch (n['type']) {
    case 'BertNormalizer': {
      const lowercase = flag('lowercase', true);
      // strip_accents null means "follow lowercase", as in BERT.
      return { lowercase, stripAccents: flag('strip_accents', lowercase), handleChineseChars: flag('handle_chinese_chars', true), cleanText: flag('clean_text', true) };
    }
    case 'Lowercase':
      return { ...off, lowercase: true };
    case 'StripAccents':
    case 'NFD': // NFD alone only changes anything where StripAccents follows; handled as part of it
      return { ...off, stripAccents: n['type'] === 'StripAccents' };
    case 'Sequence': {
      const parts = n['normalizers'];
      if (!Array.isArray(parts)) throw new TokenizerError(`${source}: normalizer.normalizers must be an array`);
      return parts.map((p) => normalizerOf(p, source)).reduce((a, b) => ({
        lowercase: a.lowercase || b.lowercase,
        stripAccents: a.stripAccents || b.stripAccents,
        handleChineseChars: a.handleChineseChars || b.handleChineseChars,
        cleanText: a.cleanText || b.cleanText,
      }), off);
    }
    default:
      throw new TokenizerError(
        `${source}: normalizer type ${JSON.stringify(n['type'])} is not supported; expected BertNormalizer, Lowercase, NFD, StripAccents or a Sequence of them`,
      );
  }
}

// [CLS]/[SEP] from a BertProcessing (`cls: [token, id]`) or a TemplateProcessing's single template.
function postProcessorTokens(p: unknown): { clsToken?: string; sepToken?: string } {
  if (!isObject(p)) return {};
  if (p['type'] === 'BertProcessing') {
    const cls = p['cls'];
    const sep = p['sep'];
    return {
      ...(Array.isArray(cls) && typeof cls[0] === 'string' ? { clsToken: cls[0] } : {}),
      ...(Array.isArray(sep) && typeof sep[0] === 'string' ? { sepToken: sep[0] } : {}),
    };
  }
  if (p['type'] === 'TemplateProcessing' && Array.isArray(p['single'])) {
    const specials = p['single'].flatMap((piece: unknown) => {
      const s = isObject(piece) ? piece['SpecialToken'] : undefined;
      return isObject(s) && typeof s['id'] === 'string' ? [s['id']] : [];
    });
    if (specials.length === 2) return { clsToken: specials[0]!, sepToken: specials[1]! };
  }
  return {};
}
