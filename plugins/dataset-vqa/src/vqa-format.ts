// The official VQA 2.0 JSON files (visualqa.org): questions and annotations, checked field by field
// and joined by question_id. Pure: the Node adapter (vqa-files.ts) reads the text.

/** A malformed VQA file: the message names the file, the record path and the field. */
export class VqaFormatError extends Error {
  override readonly name = 'VqaFormatError';
}

/** One record of a questions file (`questions[i]`). */
export interface VqaQuestion {
  readonly questionId: number;
  readonly imageId: number;
  readonly question: string;
}

/** A questions file, e.g. `v2_OpenEnded_mscoco_train2014_questions.json`. */
export interface VqaQuestionsFile {
  /** Where it was read from (every error names it). */
  readonly file: string;
  /** `task_type`, `data_type`, `data_subtype` (`Open-Ended`, `mscoco`, `train2014`), when present. */
  readonly taskType?: string;
  readonly dataType?: string;
  readonly dataSubtype?: string;
  readonly questions: readonly VqaQuestion[];
}

/** One of the ten human answers of a question. */
export interface VqaHumanAnswer {
  /** As typed by the annotator (normalise before comparing). */
  readonly answer: string;
  /** `answer_confidence`: whether the annotator thought they answered correctly. */
  readonly confidence: 'yes' | 'maybe' | 'no';
  readonly answerId: number;
}

/** One record of an annotations file (`annotations[i]`). */
export interface VqaAnnotation {
  readonly questionId: number;
  readonly imageId: number;
  /** The question's first words, e.g. `what color is the` (see VQA_QUESTION_TYPES). */
  readonly questionType: string;
  /** `yes/no`, `number` or `other` in VQA 2.0. */
  readonly answerType: string;
  /** The most common human answer. */
  readonly multipleChoiceAnswer: string;
  readonly answers: readonly VqaHumanAnswer[];
}

/** An annotations file, e.g. `v2_mscoco_train2014_annotations.json`. */
export interface VqaAnnotationsFile {
  readonly file: string;
  readonly dataType?: string;
  readonly dataSubtype?: string;
  readonly annotations: readonly VqaAnnotation[];
}

/** A question joined with its annotation. */
export interface VqaExample extends VqaQuestion, Omit<VqaAnnotation, 'questionId' | 'imageId'> {}

/** Options of {@link parseVqaAnnotations}. */
export interface VqaAnnotationOptions {
  /** Human answers each question must have: 10 in VQA 2.0; `null` accepts any non-zero number. */
  readonly answersPerQuestion?: number | null;
}

const CONFIDENCES = ['yes', 'maybe', 'no'] as const;

/** A short rendering of a bad value for an error message. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Reads fields of one JSON object at `path` in `file`, failing with the file, path, field and value. */
class Fields {
  constructor(
    private readonly file: string,
    private readonly path: string,
    private readonly record: Record<string, unknown>,
  ) {}

  static of(file: string, path: string, value: unknown): Fields {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new VqaFormatError(`${file}: ${path}: got ${show(value)}, expected an object`);
    }
    return new Fields(file, path, value as Record<string, unknown>);
  }

  fail(field: string, expected: string): never {
    const value = this.record[field];
    const got = value === undefined ? 'missing' : `got ${show(value)}`;
    throw new VqaFormatError(`${this.file}: ${this.path}.${field}: ${got}, expected ${expected}`);
  }

  int(field: string): number {
    const value = this.record[field];
    return Number.isSafeInteger(value) ? (value as number) : this.fail(field, 'an integer');
  }

  string(field: string): string {
    const value = this.record[field];
    return typeof value === 'string' ? value : this.fail(field, 'a string');
  }

  optionalString(field: string): string | undefined {
    return this.record[field] === undefined ? undefined : this.string(field);
  }

  array(field: string): readonly unknown[] {
    const value = this.record[field];
    return Array.isArray(value) ? value : this.fail(field, 'an array');
  }
}

/**
 * Checks a parsed questions file: `{ info, task_type, data_type, data_subtype, questions: [{ image_id,
 * question, question_id }] }`.
 * @example
 * const questions = parseVqaQuestions(parseJsonText(text, file), file) // parseJsonText: @crossmodal/core;
 */
export function parseVqaQuestions(json: unknown, file: string): VqaQuestionsFile {
  const top = Fields.of(file, '(top level)', json);
  const questions = top.array('questions').map((record, i) => {
    const q = Fields.of(file, `questions[${i}]`, record);
    return { questionId: q.int('question_id'), imageId: q.int('image_id'), question: q.string('question') };
  });
  return {
    file,
    taskType: top.optionalString('task_type'),
    dataType: top.optionalString('data_type'),
    dataSubtype: top.optionalString('data_subtype'),
    questions,
  };
}

/** One `annotations[i]` record, checked. */
function parseAnnotation(file: string, i: number, record: unknown, perQuestion: number | null): VqaAnnotation {
  const a = Fields.of(file, `annotations[${i}]`, record);
  const answers = a.array('answers').map((answer, j) => {
    const h = Fields.of(file, `annotations[${i}].answers[${j}]`, answer);
    const confidence = h.string('answer_confidence');
    if (!(CONFIDENCES as readonly string[]).includes(confidence)) h.fail('answer_confidence', `one of ${CONFIDENCES.join(', ')}`);
    return { answer: h.string('answer'), confidence: confidence as VqaHumanAnswer['confidence'], answerId: h.int('answer_id') };
  });
  if (perQuestion === null ? answers.length === 0 : answers.length !== perQuestion) {
    const expected = perQuestion === null ? 'at least one' : `${perQuestion} (the answersPerQuestion option)`;
    throw new VqaFormatError(`${file}: annotations[${i}].answers: holds ${answers.length} human answers, expected ${expected}`);
  }
  return {
    questionId: a.int('question_id'),
    imageId: a.int('image_id'),
    questionType: a.string('question_type'),
    answerType: a.string('answer_type'),
    multipleChoiceAnswer: a.string('multiple_choice_answer'),
    answers,
  };
}

/**
 * Checks a parsed annotations file: `{ data_type, data_subtype, annotations: [{ question_id, image_id,
 * question_type, answer_type, multiple_choice_answer, answers: [{ answer, answer_confidence,
 * answer_id }] × 10 }] }`.
 * @example
 * const annotations = parseVqaAnnotations(parseJsonText(text, file), file) // parseJsonText: @crossmodal/core;
 */
export function parseVqaAnnotations(json: unknown, file: string, options: VqaAnnotationOptions = {}): VqaAnnotationsFile {
  const perQuestion = options.answersPerQuestion === undefined ? 10 : options.answersPerQuestion;
  if (perQuestion !== null && (!Number.isInteger(perQuestion) || perQuestion < 1)) {
    throw new RangeError(`parseVqaAnnotations: answersPerQuestion must be a positive integer or null, got ${show(perQuestion)}`);
  }
  const top = Fields.of(file, '(top level)', json);
  const annotations = top.array('annotations').map((record, i) => parseAnnotation(file, i, record, perQuestion));
  return { file, dataType: top.optionalString('data_type'), dataSubtype: top.optionalString('data_subtype'), annotations };
}

/** question_id → index in `records`, failing on a repeated id. */
function indexById<T extends { questionId: number }>(records: readonly T[], file: string, kind: string): Map<number, number> {
  const byId = new Map<number, number>();
  records.forEach((record, i) => {
    const first = byId.get(record.questionId);
    if (first !== undefined) {
      throw new VqaFormatError(`${file}: ${kind}[${i}].question_id: ${record.questionId} repeats ${kind}[${first}].question_id`);
    }
    byId.set(record.questionId, i);
  });
  return byId;
}

/**
 * Joins questions with their annotations by question_id, in the questions file's order. Every
 * question needs an annotation and every annotation a question (files of different splits fail
 * here), and the two must agree on image_id.
 * @example
 * const examples = joinVqa(questions, annotations);
 */
export function joinVqa(questions: VqaQuestionsFile, annotations: VqaAnnotationsFile): VqaExample[] {
  const byId = indexById(annotations.annotations, annotations.file, 'annotations');
  const asked = indexById(questions.questions, questions.file, 'questions');
  annotations.annotations.forEach((a, i) => {
    if (!asked.has(a.questionId)) {
      throw new VqaFormatError(`${annotations.file}: annotations[${i}].question_id: ${a.questionId} has no question in ${questions.file}`);
    }
  });
  return questions.questions.map((q, i) => {
    const index = byId.get(q.questionId);
    if (index === undefined) {
      throw new VqaFormatError(`${questions.file}: questions[${i}].question_id: ${q.questionId} has no annotation in ${annotations.file}`);
    }
    const { questionId: _, imageId, ...rest } = annotations.annotations[index]!;
    if (imageId !== q.imageId) {
      throw new VqaFormatError(
        `${annotations.file}: annotations[${index}].image_id: ${imageId} differs from questions[${i}].image_id ${q.imageId} in ${questions.file} (question_id ${q.questionId})`,
      );
    }
    return { ...q, ...rest };
  });
}
