// Answer vocabularies from the train fixture: counting, top-K and min-count, the unknown entry,
// and the JSON round trip with its errors.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANSWER_VOCAB_FORMAT, AnswerVocab, buildAnswerVocab } from './answer-vocab.ts';
import { FILES, fixtureJson, scratchFile } from './fixtures.spec-helper.ts';
import { loadAnswerVocab, saveAnswerVocab } from './vqa-files.ts';
import { parseVqaAnnotations } from './vqa-format.ts';

const train = parseVqaAnnotations(fixtureJson(FILES.trainAnnotations), 'train.json').annotations;

describe('buildAnswerVocab', () => {
  it('counts the multiple-choice answers by default, ties in string order', () => {
    const vocab = buildAnswerVocab(train);
    expect(vocab.answers).toEqual(['2', 'net', 'no', 'orange', 'pitcher', 'yes']);
    expect(vocab.counts).toEqual([1, 1, 1, 1, 1, 1]);
    expect([vocab.unknown, vocab.unknownIndex]).toEqual([null, -1]);
  });

  it('counts every normalised human answer with all-answers, then keeps the top K', () => {
    // "two" counts as "2" (5 + 2) and "the net" as "net" (6 + 1); yes: 10 + 4
    const vocab = buildAnswerVocab(train, { source: 'all-answers', topK: 4 });
    expect(vocab.answers).toEqual(['yes', 'pitcher', '2', 'net']);
    expect(vocab.counts).toEqual([14, 8, 7, 7]);
  });

  it('keeps answers counted at least minCount times, after an unknown entry at index 0', () => {
    const vocab = buildAnswerVocab(train, { source: 'all-answers', minCount: 3, unknown: '<unk>' });
    expect(vocab.answers).toEqual(['<unk>', 'yes', 'pitcher', '2', 'net', 'orange', 'no', '3', 'red']);
    expect([vocab.size, vocab.unknownIndex, vocab.counts[0]]).toEqual([9, 0, 0]);
  });

  it('encodes raw answers through the normalisation, unknown ones to the unknown entry or -1', () => {
    const plain = buildAnswerVocab(train);
    const withUnknown = buildAnswerVocab(train, { unknown: '<unk>' });
    expect([plain.encode('Two'), plain.encode('The Net.'), plain.encode('zebra')]).toEqual([0, 1, -1]);
    expect([withUnknown.encode('Two'), withUnknown.encode('zebra'), withUnknown.indexOf('Two')]).toEqual([1, 0, -1]);
    expect(plain.decode(5)).toBe('yes');
    expect(() => plain.decode(6)).toThrow('AnswerVocab: class 6 is outside [0, 6)');
  });

  it('rejects bad options and an unknown entry that is a real answer', () => {
    expect(() => buildAnswerVocab(train, { topK: 0 })).toThrow('buildAnswerVocab: topK must be a positive integer, got 0');
    expect(() => buildAnswerVocab(train, { minCount: 1.5 })).toThrow('buildAnswerVocab: minCount must be a positive integer, got 1.5');
    expect(() => buildAnswerVocab(train, { source: 'answers' as never })).toThrow("buildAnswerVocab: source must be 'multiple-choice' or 'all-answers', got \"answers\"");
    expect(() => buildAnswerVocab(train, { unknown: 'yes' })).toThrow('buildAnswerVocab: the unknown entry "yes" is also a training answer; choose another');
  });
});

function expectThrow(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

describe('saved vocabularies', () => {
  it('are written atomically: a failed save leaves no temporary file behind', async () => {
    // The target is a directory: the temporary file is written beside it, then the rename fails.
    const dir = dirname(scratchFile('placeholder.json', ''));
    const target = join(dir, 'answer-vocab.json');
    mkdirSync(target);
    const vocab = buildAnswerVocab(train, { source: 'all-answers', minCount: 3 });
    await expect(saveAnswerVocab(vocab, target)).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual(['answer-vocab.json', 'placeholder.json']);
  });

  it('round-trip through JSON on disk', async () => {
    const vocab = buildAnswerVocab(train, { source: 'all-answers', minCount: 3, unknown: '<unk>' });
    const path = scratchFile('answer-vocab.json', '');
    await saveAnswerVocab(vocab, path);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ format: ANSWER_VOCAB_FORMAT, version: 1, unknown: '<unk>' });
    const loaded = await loadAnswerVocab(path);
    expect([loaded.answers, loaded.counts, loaded.unknown, loaded.encode('two')]).toEqual([vocab.answers, vocab.counts, '<unk>', 3]);
  });

  it('name the file and the field when the JSON is not a vocabulary', () => {
    const good = buildAnswerVocab(train).toJSON();
    const bad = (edit: Record<string, unknown>) => expectThrow(() => AnswerVocab.fromJSON({ ...good, ...edit }, 'v.json'));
    expect(bad({ format: 'other' })).toBe(`v.json: format: got "other", expected "${ANSWER_VOCAB_FORMAT}"`);
    expect(bad({ answers: ['2', 3] })).toBe('v.json: answers[1]: got 3, expected a string');
    expect(bad({ counts: [1, 1] })).toBe('v.json: AnswerVocab: 2 counts for 6 answers; expected one count per answer');
    expect(bad({ counts: [1, 1, 1, 1, 1, -1] })).toBe('v.json: counts[5]: got -1, expected a count (an integer ≥ 0)');
    expect(bad({ answers: ['2', 'net', 'no', 'no', 'pitcher', 'yes'] })).toBe('v.json: AnswerVocab: answers[3] "no" repeats answers[2]');
    expect(bad({ unknown: '<unk>' })).toBe('v.json: AnswerVocab: the unknown entry "<unk>" is not among the answers');
    expect(expectThrow(() => AnswerVocab.fromJSON([], 'v.json'))).toBe('v.json: (top level): got [], expected an answer vocabulary object');
  });
});
