// Vocab parsing: ids by line, line endings, and the errors for files that would shift ids.
import { describe, expect, it } from 'vitest';
import { TokenizerError, Vocab } from './vocab.ts';

describe('Vocab.fromText', () => {
  it('gives each token its 0-based line index', () => {
    const v = Vocab.fromText('[PAD]\n[UNK]\nhello\n##lo\n');
    expect(v.size).toBe(4);
    expect([v.id('[PAD]'), v.id('hello'), v.id('##lo'), v.id('nope')]).toEqual([0, 2, 3, undefined]);
    expect([v.token(1), v.token(4)]).toEqual(['[UNK]', undefined]);
  });

  it('accepts CRLF endings, a missing final newline and a byte-order mark', () => {
    const v = Vocab.fromText('\uFEFFa\r\nb\r\nc');
    expect([v.token(0), v.token(1), v.token(2), v.size]).toEqual(['a', 'b', 'c', 3]);
  });

  it('rejects a duplicate token, naming the file, both lines and the token', () => {
    expect(() => Vocab.fromText('a\nb\na\n', 'my/vocab.txt')).toThrow(
      new TokenizerError('my/vocab.txt line 3: duplicate token "a" (first at line 1); expected each token once'),
    );
  });

  it('rejects an empty line, which would shift every later id', () => {
    expect(() => Vocab.fromText('a\n\nb\n')).toThrow('vocab.txt line 2: empty token; expected one token per line');
    expect(() => Vocab.fromText('')).toThrow('vocab.txt: no tokens');
  });

  it('names the role and the file when a special token is missing', () => {
    const v = Vocab.fromText('a\nb\n', 'v.txt');
    expect(v.requireId('b', 'x')).toBe(1);
    expect(() => v.requireId('[CLS]', 'classification token')).toThrow('v.txt: classification token "[CLS]" is not in the vocabulary (2 tokens)');
  });
});

describe('Vocab.fromEntries', () => {
  it('accepts ids 0..n-1 in any order', () => {
    const v = Vocab.fromEntries([['b', 1], ['a', 0]], 't.json');
    expect([v.token(0), v.id('b')]).toEqual(['a', 1]);
  });

  it('rejects gaps, shared ids and bad ids', () => {
    expect(() => Vocab.fromEntries([['a', 0], ['b', 2]], 't.json')).toThrow('t.json: no token has id 1; expected ids 0..2 without gaps');
    expect(() => Vocab.fromEntries([['a', 0], ['b', 0]], 't.json')).toThrow('t.json: id 0 is given to both "a" and "b"; expected one token per id');
    expect(() => Vocab.fromEntries([['a', -1]], 't.json')).toThrow('t.json: token "a" has id -1; expected an integer >= 0');
  });
});
