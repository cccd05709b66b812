// Truncation arithmetic against Hugging Face's one-token-at-a-time rule, and padded lengths.
import { describe, expect, it } from 'vitest';
import { checkEncodeOptions, paddedLength, truncationLengths } from './encoding.ts';

// Hugging Face's longest_first, literally: drop one token from the longer sequence (B on a tie).
function oneAtATime(a: number, b: number, budget: number): [number, number] {
  while (a + b > budget) {
    if (a > b) a--;
    else b--;
  }
  return [a, b];
}

describe('truncationLengths', () => {
  it('matches the one-at-a-time longest_first rule on every small case', () => {
    for (let a = 0; a <= 12; a++) {
      for (let b = 0; b <= 12; b++) {
        for (let maxLength = 3; maxLength <= 20; maxLength++) {
          const got = truncationLengths(a, b, { maxLength, specials: 3, strategy: 'longest_first' });
          expect(got, `a=${a} b=${b} max=${maxLength}`).toEqual(oneAtATime(a, b, maxLength - 3));
        }
      }
    }
  });

  it('cuts a single sequence to the budget left by [CLS] and [SEP]', () => {
    expect(truncationLengths(10, undefined, { maxLength: 6, specials: 2, strategy: 'longest_first' })).toEqual([4, 0]);
    expect(truncationLengths(3, undefined, { maxLength: 6, specials: 2, strategy: 'only_first' })).toEqual([3, 0]);
  });

  it('takes only from the named sequence with only_first / only_second', () => {
    expect(truncationLengths(5, 5, { maxLength: 9, specials: 3, strategy: 'only_first' })).toEqual([1, 5]);
    expect(truncationLengths(5, 5, { maxLength: 9, specials: 3, strategy: 'only_second' })).toEqual([5, 1]);
    expect(truncationLengths(50, 5, { maxLength: 9, specials: 3, strategy: 'do_not_truncate' })).toEqual([50, 5]);
  });

  it('explains a maxLength below the special tokens and a sequence too short to cut', () => {
    expect(() => truncationLengths(4, 4, { maxLength: 2, specials: 3, strategy: 'longest_first' })).toThrow(
      'encode: maxLength 2 is too small; the special tokens of a pair take 3, so expected maxLength >= 3',
    );
    expect(() => truncationLengths(2, 8, { maxLength: 8, specials: 3, strategy: 'only_first' })).toThrow(
      "encode: truncation 'only_first' cannot fit 2 + 8 tokens into maxLength 8: the first sequence has only 2 to remove 5 from",
    );
    expect(() => truncationLengths(9, undefined, { maxLength: 8, specials: 2, strategy: 'only_second' })).toThrow(
      "truncation 'only_second' needs a second sequence",
    );
  });
});

describe('paddedLength', () => {
  it('pads to maxLength, to the longest, or not at all, rounding up to a multiple', () => {
    expect(paddedLength(5, 9, { padding: 'max_length', maxLength: 12 })).toBe(12);
    expect(paddedLength(5, 9, { padding: 'longest' })).toBe(9);
    expect(paddedLength(5, 9, { padding: 'longest', padToMultipleOf: 8 })).toBe(16);
    expect(paddedLength(5, 9, { padding: 'max_length', maxLength: 12, padToMultipleOf: 8 })).toBe(16);
    expect(paddedLength(5, 9, {})).toBe(5);
    expect(paddedLength(5, 9, { padToMultipleOf: 8 })).toBe(5); // no padding asked: the multiple is moot
  });
});

describe('checkEncodeOptions', () => {
  it('names the bad option and the expected values', () => {
    expect(() => checkEncodeOptions({ maxLength: 0 })).toThrow('encode: maxLength must be an integer >= 1, got 0');
    expect(() => checkEncodeOptions({ padToMultipleOf: 2.5 })).toThrow('encode: padToMultipleOf must be an integer >= 1, got 2.5');
    expect(() => checkEncodeOptions({ padding: 'max_length' })).toThrow("padding 'max_length' needs maxLength");
    expect(() => checkEncodeOptions({ truncation: 'only_first' })).toThrow("truncation 'only_first' needs maxLength");
    expect(() => checkEncodeOptions({ truncation: 'longest' as never, maxLength: 4 })).toThrow(
      'encode: truncation must be one of longest_first, only_first, only_second, do_not_truncate, got "longest"',
    );
  });
});
