// parseJsonText: the value of good JSON; the file, the length and the parser's reason otherwise.
import { describe, expect, it } from 'vitest';
import { JsonTextError, parseJsonText } from './json-text.ts';

describe('parseJsonText', () => {
  it('returns the parsed value', () => {
    expect(parseJsonText('{"questions":[{"question_id":1}]}', 'q.json')).toEqual({ questions: [{ question_id: 1 }] });
  });

  it('names the file and its length when the text is cut short', () => {
    const text = '{"annotations":[{"question_id":1},';
    let error: unknown;
    try {
      parseJsonText(text, 'data/a.json');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JsonTextError);
    expect(error).toBeInstanceOf(SyntaxError);
    expect((error as Error).message).toMatch(/^data\/a\.json: not valid JSON \(34 characters; truncated\?\): \S/);
  });
});
