// Reading the official VQA 2.0 files: the fixtures join by question_id; malformed copies fail
// with the file, the record and the field.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FILES, fixtureJson, scratchFile } from './fixtures.spec-helper.ts';
import { readVqa, readVqaAnnotations, readVqaQuestions } from './vqa-files.ts';
import { joinVqa, parseVqaAnnotations, parseVqaQuestions } from './vqa-format.ts';

/** Reads a malformed annotations copy and returns the error message. */
async function annotationError(edit: (json: any) => void, options = {}): Promise<string> {
  const json = fixtureJson(FILES.trainAnnotations);
  edit(json);
  const path = scratchFile('v2_mscoco_train2014_annotations.json', json);
  const message = await readVqaAnnotations(path, options).then(() => 'no error', (e: Error) => e.message);
  return message.replace(path, 'A.json');
}

describe('readVqaQuestions and readVqaAnnotations', () => {
  it('read the official layout with its split metadata', async () => {
    const questions = await readVqaQuestions(FILES.trainQuestions);
    expect([questions.taskType, questions.dataType, questions.dataSubtype, questions.questions.length]).toEqual(['Open-Ended', 'mscoco', 'train2014', 6]);
    expect(questions.questions[0]).toEqual({ questionId: 458752000, imageId: 458752, question: 'What is this photo taken looking through?' });
    const annotations = await readVqaAnnotations(FILES.trainAnnotations);
    expect([annotations.dataSubtype, annotations.annotations.length]).toEqual(['train2014', 6]);
    const first = annotations.annotations[0]!;
    expect([first.questionType, first.answerType, first.multipleChoiceAnswer, first.answers.length]).toEqual(['what is this', 'other', 'net', 10]);
    expect(first.answers[2]).toEqual({ answer: 'net', confidence: 'maybe', answerId: 3 });
  });

  it('join questions with annotations by question_id, in question order', async () => {
    const examples = await readVqa({ questions: FILES.valQuestions, annotations: FILES.valAnnotations });
    expect(examples.map((e) => [e.questionId, e.imageId, e.questionType, e.answerType])).toEqual([
      [1000, 42, 'how many', 'number'],
      [1001, 42, 'what color is the', 'other'],
      [1002, 43, 'is the', 'yes/no'],
      [1003, 43, 'is it', 'yes/no'],
    ]);
    expect(examples[3]!.question).toBe('Is it sunny?');
    expect(examples[3]!.answers.map((a) => a.answer).join(',')).toBe('no,yes,yes,yes,yes,yes,yes,yes,yes,yes');
  });
});

describe('malformed files', () => {
  it('name the field that is missing', async () => {
    expect(await annotationError((j) => delete j.annotations[2].answers[4].answer_id)).toBe(
      'A.json: annotations[2].answers[4].answer_id: missing, expected an integer',
    );
    expect(await annotationError((j) => delete j.annotations[5].answer_type)).toBe('A.json: annotations[5].answer_type: missing, expected a string');
    expect(await annotationError((j) => delete j.annotations)).toBe('A.json: (top level).annotations: missing, expected an array');
  });

  it('name the field of the wrong type, with its value', async () => {
    const json = fixtureJson(FILES.trainQuestions);
    json.questions[1].question_id = '458752001';
    const path = scratchFile('q.json', json);
    await expect(readVqaQuestions(path)).rejects.toThrow(`${path}: questions[1].question_id: got "458752001", expected an integer`);
    expect(await annotationError((j) => (j.annotations[1].answers[0].answer = 7))).toBe('A.json: annotations[1].answers[0].answer: got 7, expected a string');
    expect(await annotationError((j) => (j.annotations[3] = 'yes'))).toBe('A.json: annotations[3]: got "yes", expected an object');
    expect(await annotationError((j) => (j.annotations[0].answers[9].answer_confidence = 'sure'))).toBe(
      'A.json: annotations[0].answers[9].answer_confidence: got "sure", expected one of yes, maybe, no',
    );
    expect(await annotationError((j) => (j.annotations[0].image_id = 1.5))).toBe('A.json: annotations[0].image_id: got 1.5, expected an integer');
  });

  it('reject a wrong number of human answers unless told otherwise', async () => {
    const dropOne = (j: any): void => void j.annotations[4].answers.pop();
    expect(await annotationError(dropOne)).toBe('A.json: annotations[4].answers: holds 9 human answers, expected 10 (the answersPerQuestion option)');
    expect(await annotationError(dropOne, { answersPerQuestion: null })).toBe('no error');
    expect(await annotationError((j) => (j.annotations[0].answers = []), { answersPerQuestion: null })).toBe(
      'A.json: annotations[0].answers: holds 0 human answers, expected at least one',
    );
  });

  it('name a truncated file and an unreadable path', async () => {
    const text = readFileSync(FILES.trainAnnotations, 'utf8');
    const path = scratchFile('v2_mscoco_train2014_annotations.json', text.slice(0, 2000));
    await expect(readVqaAnnotations(path)).rejects.toThrow(`${path}: not valid JSON (2000 characters; truncated?)`);
    await expect(readVqaQuestions('/nonexistent/q.json')).rejects.toThrow('/nonexistent/q.json: cannot be read: ENOENT');
  });
});

describe('joinVqa', () => {
  const questions = parseVqaQuestions(fixtureJson(FILES.valQuestions), 'Q.json');
  const annotationsWith = (edit: (json: any) => void) => {
    const json = fixtureJson(FILES.valAnnotations);
    edit(json);
    return parseVqaAnnotations(json, 'A.json');
  };

  it('fails for a question with no annotation, naming both files', () => {
    expect(() => joinVqa(questions, annotationsWith((j) => j.annotations.splice(2, 1)))).toThrow(
      'Q.json: questions[2].question_id: 1002 has no annotation in A.json',
    );
  });

  it('fails for an annotation of another split, a repeated id or a different image', () => {
    expect(() => joinVqa(questions, annotationsWith((j) => (j.annotations[1].question_id = 458752001)))).toThrow(
      'A.json: annotations[1].question_id: 458752001 has no question in Q.json',
    );
    expect(() => joinVqa(questions, annotationsWith((j) => (j.annotations[3].question_id = 1000)))).toThrow(
      'A.json: annotations[3].question_id: 1000 repeats annotations[0].question_id',
    );
    expect(() => joinVqa(questions, annotationsWith((j) => (j.annotations[1].image_id = 43)))).toThrow(
      'A.json: annotations[1].image_id: 43 differs from questions[1].image_id 42 in Q.json (question_id 1001)',
    );
  });

  it('rejects an answersPerQuestion that is not a positive integer', () => {
    expect(() => parseVqaAnnotations({ annotations: [] }, 'A.json', { answersPerQuestion: 0 })).toThrow(
      'parseVqaAnnotations: answersPerQuestion must be a positive integer or null, got 0',
    );
  });
});
