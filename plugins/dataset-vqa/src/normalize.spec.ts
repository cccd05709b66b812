// The official answer normalisation on known cases, rule by rule, including its quirks.
import { describe, expect, it } from 'vitest';
import { VQA_ANSWER_TYPES, VQA_CONTRACTIONS, VQA_QUESTION_TYPES, answerTypeCode, questionTypeCode } from './answer-tables.ts';
import { normalizeAnswer, processDigitArticle, processPunctuation } from './normalize.ts';

describe('processPunctuation', () => {
  it('turns a mark with no space beside it into a space, and deletes one next to a space', () => {
    expect(processPunctuation('black-and-white')).toBe('black and white');
    expect(processPunctuation('yes!')).toBe('yes ');
    expect(processPunctuation('red, white')).toBe('red white'); // ", " is in the text: commas are deleted
    expect(processPunctuation('red,white')).toBe('red white');
    expect(processPunctuation('(left)')).toBe(' left ');
    expect(processPunctuation('left (side)')).toBe('left side '); // " (" is in the text: '(' is deleted; ')' becomes a space
  });

  it('deletes every mark when a comma stands between two digits', () => {
    expect(processPunctuation('1,000')).toBe('1000');
    expect(processPunctuation('1,000-2,000')).toBe('10002000');
    expect(processPunctuation('١,٢')).toBe('١٢'); // Python's \d is any Unicode digit
  });

  it('removes periods unless a digit follows, at most 32 of them as the official call does', () => {
    expect(processPunctuation('2.5')).toBe('2.5');
    expect(processPunctuation('a.m.')).toBe('am');
    expect(processPunctuation('3.')).toBe('3');
    expect(processPunctuation('st. louis')).toBe('st louis');
    expect(processPunctuation(`x${'.'.repeat(40)}`)).toBe(`x${'.'.repeat(8)}`);
  });

  it('keeps the characters outside the list: apostrophe, colon, hash, dollar, percent, ampersand', () => {
    expect(processPunctuation("don't 10:30 #1 $5 50% r&b")).toBe("don't 10:30 #1 $5 50% r&b");
  });
});

describe('processDigitArticle', () => {
  it('lower-cases, maps number words zero to ten (and none) to digits, and drops articles', () => {
    expect(processDigitArticle('Two Dogs')).toBe('2 dogs');
    expect(processDigitArticle('one two three ten eleven twenty')).toBe('1 2 3 10 eleven twenty');
    expect(processDigitArticle('none')).toBe('0');
    expect(processDigitArticle('The Dog')).toBe('dog');
    expect(processDigitArticle('a man with an apple and the hat')).toBe('man with apple and hat');
    expect(processDigitArticle('a')).toBe('');
  });

  it('expands contractions written without the apostrophe, with the official table as it is', () => {
    expect(processDigitArticle('dont')).toBe("don't");
    expect(processDigitArticle('Cant Stop')).toBe("can't stop");
    expect(processDigitArticle('oclock')).toBe("o'clock");
    expect(processDigitArticle("somebody'd")).toBe('somebodyd'); // the official entry maps this way round
    expect(processDigitArticle('Im')).toBe('im'); // the key "Im" has a capital, so lower-cased text never matches
    expect(VQA_CONTRACTIONS.get('Im')).toBe("I'm");
  });

  it('splits on any run of whitespace and joins with one space', () => {
    expect(processDigitArticle('  big \t  red\nbus  ')).toBe('big red bus');
  });
});

describe('normalizeAnswer', () => {
  it('applies both rules after turning newlines and tabs into spaces and trimming', () => {
    expect(normalizeAnswer(' Two.')).toBe('2');
    expect(normalizeAnswer('The Dog!')).toBe('dog');
    expect(normalizeAnswer('Yes\n')).toBe('yes');
    expect(normalizeAnswer('1,000 dollars')).toBe('1000 dollars');
    expect(normalizeAnswer('the net')).toBe('net');
    expect(normalizeAnswer('dont know')).toBe("don't know");
    expect(normalizeAnswer('red and white')).toBe('red and white');
  });
});

describe('answer and question types', () => {
  it('codes the three answer types and the 65 COCO question types by their index', () => {
    expect([...VQA_ANSWER_TYPES]).toEqual(['yes/no', 'number', 'other']);
    expect([answerTypeCode('number'), answerTypeCode('count')]).toEqual([1, -1]);
    expect([VQA_QUESTION_TYPES.length, new Set(VQA_QUESTION_TYPES).size]).toEqual([65, 65]);
    expect([questionTypeCode('how many'), questionTypeCode('what brand'), questionTypeCode('none of the above'), questionTypeCode('how much')]).toEqual([0, 63, 64, -1]);
  });
});
