// The official accuracy of answer strings: hand-computed per-question values, the fixture results
// file overall and per type, the official handling of the human answers, and results-file errors.
import { describe, expect, it } from 'vitest';
import { FILES, fixtureJson, scratchFile } from './fixtures.spec-helper.ts';
import { evaluateVqa, officialAccuracy, parseVqaResults } from './vqa-eval.ts';
import { readVqaAnnotations, readVqaResults } from './vqa-files.ts';

const repeat = (answer: string, n: number): string[] => Array<string>(n).fill(answer);

describe('officialAccuracy', () => {
  it('averages min(1, matches among the other nine / 3) over the ten humans', () => {
    const humans = [...repeat('2', 2), ...repeat('3', 3), ...repeat('4', 5)];
    // "2": the two who said it each leave 1 match (1/3); the other eight leave 2 (2/3) → (2/3 + 16/3) / 10
    expect(officialAccuracy('2', humans)).toBeCloseTo(0.6, 12);
    // "3": three subsets keep 2 matches (2/3), seven keep 3 (1) → (2 + 7) / 10
    expect(officialAccuracy('3', humans)).toBeCloseTo(0.9, 12);
    expect(officialAccuracy('4', humans)).toBe(1);
    expect(officialAccuracy('5', humans)).toBe(0);
    expect(officialAccuracy('no', ['no', ...repeat('yes', 9)])).toBeCloseTo(0.3, 12); // 9 subsets with the one "no"
  });

  it('normalises the prediction in full', () => {
    const humans = [...repeat('2', 4), ...repeat("don't know", 6)];
    expect([officialAccuracy('Two.', humans), officialAccuracy('two', humans), officialAccuracy('the 2!', humans)]).toEqual([1, 1, 1]);
    expect(officialAccuracy('Dont Know', humans)).toBe(1);
  });

  it('normalises nothing when all humans agree, and everything when they do not (2021)', () => {
    expect([officialAccuracy('yes', repeat('yes', 10)), officialAccuracy(' yes\n', repeat('yes', 10))]).toEqual([1, 1]);
    expect(officialAccuracy('Yes', repeat('yes', 10))).toBe(0); // compared as typed
    expect(officialAccuracy('red-white', [...repeat('red-white', 3), ...repeat('red', 7)])).toBeCloseTo(0.9, 12);
    expect(officialAccuracy('two', [...repeat('two', 9), '3'])).toBe(1); // both sides become "2"
    expect(() => officialAccuracy('yes', [])).toThrow('officialAccuracy: expected at least one human answer, got none');
  });

  it('follows the 2017 script on request: humans get only the punctuation rule, and only when they differ', () => {
    expect(officialAccuracy('Yes', repeat('yes', 10), '2017')).toBe(1); // the prediction is always normalised
    // All ten the same: left as typed, so the normalised prediction "red white" never matches "red-white".
    expect(officialAccuracy('red-white', repeat('red-white', 10), '2017')).toBe(0);
    expect(officialAccuracy('red-white', [...repeat('red-white', 3), ...repeat('red', 7)], '2017')).toBeCloseTo(0.9, 12);
    // Number words in human answers are not mapped (the collected answers already were).
    expect(officialAccuracy('two', [...repeat('two', 9), '3'], '2017')).toBe(0);
    expect(officialAccuracy('two', [...repeat('two', 5), ...repeat('2', 5)], '2017')).toBe(1);
    expect(() => officialAccuracy('yes', ['yes'], '2019' as never)).toThrow("officialAccuracy: protocol must be '2021' or '2017', got \"2019\"");
  });
});

describe('evaluateVqa', () => {
  it('scores the fixture results file overall, per answer type and per question type', async () => {
    const { annotations } = await readVqaAnnotations(FILES.valAnnotations);
    const result = evaluateVqa(annotations, await readVqaResults(FILES.valResults), { resultsFile: FILES.valResults });
    // "two" → 2 (2 of 10 humans): 0.6; "Red." → red (3): 0.9; "yes" (10): 1; "no" (1): 0.3
    expect([...result.perQuestion].map(([id, acc]) => [id, Number(acc.toFixed(12))])).toEqual([[1000, 0.6], [1001, 0.9], [1002, 1], [1003, 0.3]]);
    expect(result.overall).toBeCloseTo(0.7, 12);
    expect(result.perAnswerType['number']).toBeCloseTo(0.6, 12);
    expect(result.perAnswerType['other']).toBeCloseTo(0.9, 12);
    expect(result.perAnswerType['yes/no']).toBeCloseTo(0.65, 12);
    expect(Object.keys(result.perQuestionType)).toEqual(['how many', 'what color is the', 'is the', 'is it']);
    expect(result.perQuestionType['is it']).toBeCloseTo(0.3, 12);
  });

  it('needs one answer for every annotated question and no other', async () => {
    const { annotations } = await readVqaAnnotations(FILES.valAnnotations);
    const answers = [1000, 1001, 1002, 1003].map((questionId) => ({ questionId, answer: 'yes' }));
    expect(() => evaluateVqa(annotations, answers.slice(1), { resultsFile: 'r.json' })).toThrow('r.json: no answer for question_id 1000 (every annotated question needs one)');
    expect(() => evaluateVqa(annotations, [...answers, { questionId: 7, answer: 'no' }], { resultsFile: 'r.json' })).toThrow(
      'r.json: question_id 7 is not among the 4 annotated questions',
    );
    expect(() => evaluateVqa(annotations, [...answers, answers[2]!], { resultsFile: 'r.json' })).toThrow('r.json: [4].question_id: 1002 is answered twice');
    expect(evaluateVqa(annotations, answers).overall).toBe((0 + 0 + 1 + 1) / 4); // "yes" given by 0, 0, 10 and 9 humans
  });
});

describe('results files', () => {
  it('name the record and the field that is malformed', async () => {
    const json = fixtureJson(FILES.valResults);
    json[2].answer = ['yes'];
    const path = scratchFile('results.json', json);
    await expect(readVqaResults(path)).rejects.toThrow(`${path}: [2].answer: got ["yes"], expected a string`);
    expect(() => parseVqaResults([{ answer: 'yes' }], 'r.json')).toThrow('r.json: [0].question_id: got nothing, expected an integer');
    expect(() => parseVqaResults({ results: [] }, 'r.json')).toThrow('r.json: (top level): expected an array of { question_id, answer }, got object');
  });
});
