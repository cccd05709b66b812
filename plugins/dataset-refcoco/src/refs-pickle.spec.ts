// refs(<splitBy>).p in refer's format: the Python 2 protocol-2 file, Python 3's protocols 2–5, and
// malformed or truncated files failing with the file, the record and the field.
import { describe, expect, it } from 'vitest';
import { bytesOf, FILES, FIXTURES } from './fixtures.spec-helper.ts';
import { parseRefsPickle, RefcocoFormatError } from './refs-pickle.ts';

const bad = (name: string): string => `${FIXTURES}malformed/${name}`;
const parseFile = (path: string) => parseRefsPickle(bytesOf(path), path);

describe('parseRefsPickle', () => {
  it('reads a Python 2 protocol-2 pickle whose str are SHORT_BINSTRING bytes', () => {
    const bytes = bytesOf(FILES.unc);
    // PROTO 2, EMPTY_LIST, BINPUT 0, MARK, EMPTY_DICT, BINPUT 1, MARK, SHORT_BINSTRING 'sent_ids' (8 bytes).
    expect([...bytes.subarray(0, 11)]).toEqual([0x80, 2, 0x5d, 0x71, 0, 0x28, 0x7d, 0x71, 1, 0x28, 0x55]);
    expect(bytes[11]).toBe('sent_ids'.length);
    const refs = parseRefsPickle(bytes, FILES.unc);
    expect(refs.map((r) => [r.refId, r.annId, r.imageId, r.categoryId, r.split])).toEqual([
      [1, 1001, 101, 1, 'train'], [2, 1002, 101, 1, 'train'], [3, 1003, 102, 18, 'val'],
      [4, 1004, 102, 3, 'testB'], [5, 1005, 103, 1, 'testA'], [6, 1006, 103, 18, 'testB'],
    ]);
    expect(refs[0]).toEqual({
      refId: 1, annId: 1001, imageId: 101, categoryId: 1, split: 'train', fileName: 'COCO_train2014_000000000101_1001.jpg',
      sentIds: [11, 12],
      sentences: [
        { sentId: 11, raw: 'man on the left', sent: 'man on the left', tokens: ['man', 'on', 'the', 'left'] },
        // A Python 2 str holding UTF-8 bytes reads as the text it encodes.
        { sentId: 12, raw: 'Left guy in café shirt', sent: 'left guy in café shirt', tokens: ['left', 'guy', 'in', 'café', 'shirt'] },
      ],
    });
    // A Python 2 unicode object (BINUNICODE) reads the same way.
    expect(refs[1]!.sentences[0]!.raw).toBe('right person');
  });

  it('reads the same records from Python 3 pickles at protocols 2, 3, 4 and 5', () => {
    const py2 = parseFile(FILES.unc);
    for (const proto of [2, 3, 4, 5]) {
      const path = `${FIXTURES}protocols/refs-unc-p${proto}.p`;
      expect(bytesOf(path)[1], path).toBe(proto);
      expect(parseFile(path), path).toEqual(py2);
    }
    expect(parseFile(FILES.google).map((r) => r.sentIds)).toEqual([[21], [22], [23, 24]]);
    expect(parseFile(FILES.umd).map((r) => r.split)).toEqual(['train', 'val', 'test']);
  });

  it('names the file, the record, its ref_id and the field of a malformed record', () => {
    expect(() => parseFile(bad('refs-missing-ann_id.p'))).toThrow(`${bad('refs-missing-ann_id.p')}: record 2 (ref_id 3): ann_id: missing, expected an int`);
    expect(() => parseFile(bad('refs-raw-int.p'))).toThrow(`${bad('refs-raw-int.p')}: record 1 (ref_id 2): sentences[0].raw: got an int (7), expected a str`);
    expect(() => parseFile(bad('refs-sent_ids-mismatch.p'))).toThrow(
      `${bad('refs-sent_ids-mismatch.p')}: record 4 (ref_id 5): sent_ids: got a list, expected the sent_id of each sentence in order, [18, 19]`,
    );
    expect(() => parseFile(bad('refs-dict.p'))).toThrow(`${bad('refs-dict.p')}: holds a dict, expected a list of ref dicts`);
  });

  it('refuses any global by name before running anything', () => {
    expect(() => parseFile(bad('refs-evil.p'))).toThrow(RefcocoFormatError);
    expect(() => parseFile(bad('refs-evil.p'))).toThrow(/refs-evil\.p: refuses the global posix\.system: it is not on the allow-list \(\); nothing was executed/);
  });

  it('reports a truncated file with its name, the byte and its size', () => {
    const bytes = bytesOf(FILES.unc);
    for (const cut of [3, 200, bytes.length - 1]) {
      const message = (() => {
        try {
          parseRefsPickle(bytes.subarray(0, cut), 'refcoco/refs(unc).p');
        } catch (e) {
          expect(e).toBeInstanceOf(RefcocoFormatError);
          return (e as Error).message;
        }
        return 'no error';
      })();
      expect(message, `cut at ${cut}`).toMatch(new RegExp(`^refcoco/refs\\(unc\\)\\.p: truncated: .* \\(at byte \\d+\\) \\(the file has ${cut} bytes and ends inside a record: an incomplete download\\?\\)$`));
    }
  });

  it('rejects text-protocol and empty files with what to do', () => {
    const protocol0 = new TextEncoder().encode("(lp0\n(dp1\nS'ref_id'\np2\nI1\nsa.");
    expect(() => parseRefsPickle(protocol0, 'refs(unc).p')).toThrow(
      'refs(unc).p: not a binary pickle (it should start with PROTO, byte 0x80, then the protocol 2 to 5; got 0x28): protocol 0 and 1 text pickles are not read; re-save with pickle.dump(refs, f, 2)',
    );
    expect(() => parseRefsPickle(new Uint8Array(0), 'refs(unc).p')).toThrow('got an empty file');
  });
});
