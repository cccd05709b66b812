// The official VQA accuracy of predicted answer strings (vqaEval.py's evaluate): per question, per
// answer type and per question type, from a results file `[{ question_id, answer }]`.
import { normalizeAnswer, processPunctuation } from './normalize.ts';
import { VqaFormatError, type VqaAnnotation } from './vqa-format.ts';

/** One entry of a results file, as submitted to the evaluation server. */
export interface VqaPrediction {
  readonly questionId: number;
  readonly answer: string;
}

/** Accuracies as fractions in [0, 1] (the official script prints round(100 · x, 2)). */
export interface VqaEvaluation {
  /** Mean over every question. */
  readonly overall: number;
  /** Mean per answer type (`yes/no`, `number`, `other`). */
  readonly perAnswerType: Readonly<Record<string, number>>;
  /** Mean per question type (`what color is the`…). */
  readonly perQuestionType: Readonly<Record<string, number>>;
  /** Accuracy of each question, by question_id. */
  readonly perQuestion: ReadonlyMap<number, number>;
}

/**
 * Which revision of the official vqaEval.py to follow. `2021` (the default): the current script
 * (GT-Vision-Lab/VQA master since commit a013f00, March 2021). `2017`: the one before, that
 * published VQA 2.0 results up to then were scored with.
 */
export type VqaEvalProtocol = '2021' | '2017';

/** Newlines and tabs to spaces, trimmed: what both revisions do to every answer first. */
const cleanWhitespace = (answer: string): string => answer.replace(/[\n\t]/g, ' ').trim();

/**
 * The official accuracy of one predicted answer against the human answers: for each human,
 * min(1, matches among the other humans / 3), averaged. Before matching, as the official script:
 * - `2021`: whitespace is cleaned in all; then, only when the humans do not all agree, the
 *   prediction and the human answers are normalised in full ({@link normalizeAnswer}). When all
 *   agree, the prediction must equal their answer as typed ("Yes" scores 0 against ten "yes").
 * - `2017`: the prediction is always normalised in full; the human answers get only the
 *   punctuation rule, and only when they do not all agree.
 * @example
 * officialAccuracy('two', ['2', '2', '2', 'three', 'three', '3', '4', '4', '4', '4']); // 0.9
 */
export function officialAccuracy(predicted: string, humanAnswers: readonly string[], protocol: VqaEvalProtocol = '2021'): number {
  if (humanAnswers.length === 0) throw new RangeError('officialAccuracy: expected at least one human answer, got none');
  let answer: string;
  let humans: readonly string[];
  if (protocol === '2021') {
    humans = humanAnswers.map(cleanWhitespace);
    const agree = new Set(humans).size === 1;
    answer = agree ? cleanWhitespace(predicted) : normalizeAnswer(predicted);
    if (!agree) humans = humans.map(normalizeAnswer);
  } else if (protocol === '2017') {
    answer = normalizeAnswer(predicted);
    humans = new Set(humanAnswers).size > 1 ? humanAnswers.map(processPunctuation) : humanAnswers;
  } else {
    throw new RangeError(`officialAccuracy: protocol must be '2021' or '2017', got ${JSON.stringify(protocol)}`);
  }
  let total = 0;
  for (let left = 0; left < humans.length; left++) {
    let matches = 0;
    for (let j = 0; j < humans.length; j++) if (j !== left && humans[j] === answer) matches++;
    total += Math.min(1, matches / 3);
  }
  return total / humans.length;
}

/**
 * Reads a results file's JSON: an array of `{ question_id, answer }`, naming the file, the record
 * and the field when one is malformed.
 * @example
 * const predictions = parseVqaResults(JSON.parse(text), 'val2014_results.json');
 */
export function parseVqaResults(json: unknown, file: string): VqaPrediction[] {
  if (!Array.isArray(json)) throw new VqaFormatError(`${file}: (top level): expected an array of { question_id, answer }, got ${typeof json}`);
  return json.map((record: unknown, i) => {
    if (typeof record !== 'object' || record === null) throw new VqaFormatError(`${file}: [${i}]: expected an object, got ${JSON.stringify(record)}`);
    const { question_id: questionId, answer } = record as Record<string, unknown>;
    if (!Number.isSafeInteger(questionId)) throw new VqaFormatError(`${file}: [${i}].question_id: got ${JSON.stringify(questionId) ?? 'nothing'}, expected an integer`);
    if (typeof answer !== 'string') throw new VqaFormatError(`${file}: [${i}].answer: got ${JSON.stringify(answer) ?? 'nothing'}, expected a string`);
    return { questionId: questionId as number, answer };
  });
}

/** Means of grouped values, in first-seen key order. */
function groupMeans(sums: Map<string, [number, number]>): Record<string, number> {
  return Object.fromEntries([...sums].map(([key, [sum, n]]) => [key, sum / n]));
}

/**
 * Scores predictions against annotations as the official evaluation does ({@link officialAccuracy}
 * under `protocol`, default `2021`). As there, the predictions must answer exactly the annotated
 * questions: a missing, repeated or unknown question_id is an error (naming `resultsFile`).
 * @example
 * const { overall, perAnswerType } = evaluateVqa(val.annotations, predictions);
 */
export function evaluateVqa(
  annotations: readonly VqaAnnotation[],
  predictions: readonly VqaPrediction[],
  options: { readonly resultsFile?: string; readonly protocol?: VqaEvalProtocol } = {},
): VqaEvaluation {
  const { resultsFile = 'results', protocol = '2021' } = options;
  const predicted = new Map<number, string>();
  predictions.forEach(({ questionId, answer }, i) => {
    if (predicted.has(questionId)) throw new VqaFormatError(`${resultsFile}: [${i}].question_id: ${questionId} is answered twice`);
    predicted.set(questionId, answer);
  });
  const annotated = new Set(annotations.map((a) => a.questionId));
  const unknown = predictions.find((p) => !annotated.has(p.questionId));
  if (unknown) throw new VqaFormatError(`${resultsFile}: question_id ${unknown.questionId} is not among the ${annotated.size} annotated questions`);
  if (annotations.length === 0) throw new RangeError('evaluateVqa: no annotated questions to score');
  const perQuestion = new Map<number, number>();
  const byAnswerType = new Map<string, [number, number]>();
  const byQuestionType = new Map<string, [number, number]>();
  const add = (groups: Map<string, [number, number]>, key: string, value: number): void => {
    const group = groups.get(key) ?? [0, 0];
    groups.set(key, [group[0] + value, group[1] + 1]);
  };
  let sum = 0;
  for (const a of annotations) {
    const answer = predicted.get(a.questionId);
    if (answer === undefined) throw new VqaFormatError(`${resultsFile}: no answer for question_id ${a.questionId} (every annotated question needs one)`);
    const accuracy = officialAccuracy(answer, a.answers.map((h) => h.answer), protocol);
    perQuestion.set(a.questionId, accuracy);
    add(byAnswerType, a.answerType, accuracy);
    add(byQuestionType, a.questionType, accuracy);
    sum += accuracy;
  }
  return { overall: sum / annotations.length, perAnswerType: groupMeans(byAnswerType), perQuestionType: groupMeans(byQuestionType), perQuestion };
}
