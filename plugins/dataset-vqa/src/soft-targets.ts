// Soft targets over the answer vocabulary: each candidate answer scores by how many of the human
// annotators gave it, either min(1, count/3) or the official leave-one-out average.
import type { HostTensor } from '@crossmodal/core';
import { answerTypeCode, questionTypeCode } from './answer-tables.ts';
import type { AnswerVocab } from './answer-vocab.ts';
import { normalizeAnswer } from './normalize.ts';
import type { VqaAnnotation, VqaExample } from './vqa-format.ts';

/**
 * How an answer given by `count` humans scores: `capped`, min(1, count/3); `leave-one-out`, the
 * official metric's average of min(1, matches/3) over the subsets that leave out one human.
 */
export type VqaScoring = 'capped' | 'leave-one-out';

/** min(1, count/3): an answer three humans gave is fully right. */
export const cappedScore = (count: number): number => Math.min(1, count / 3);

/**
 * The official accuracy of an answer that `count` of `humans` annotators gave: the mean over the
 * `humans` subsets leaving one annotator out of min(1, matches in the subset / 3). Leaving out one
 * of the `count` who gave it leaves count − 1 matches; leaving out anyone else leaves count. With
 * 10 humans: 0 → 0, 1 → 0.3, 2 → 0.6, 3 → 0.9, 4 or more → 1.
 * @example
 * leaveOneOutScore(3); // 0.9 = (3 · min(1, 2/3) + 7 · min(1, 3/3)) / 10
 */
export function leaveOneOutScore(count: number, humans = 10): number {
  if (!(Number.isInteger(count) && Number.isInteger(humans) && count >= 0 && count <= humans && humans >= 1)) {
    throw new RangeError(`leaveOneOutScore: expected integers 0 ≤ count ≤ humans, humans ≥ 1; got count ${count}, humans ${humans}`);
  }
  return (count * cappedScore(count - 1) + (humans - count) * cappedScore(count)) / humans;
}

/** Normalised human answer → how many humans gave it. */
export function humanAnswerCounts(annotation: Pick<VqaAnnotation, 'answers'>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { answer } of annotation.answers) {
    const normalized = normalizeAnswer(answer);
    counts.set(normalized, (counts.get(normalized) ?? 0) + 1);
  }
  return counts;
}

/**
 * How many humans gave each vocabulary answer, [A] float32. The unknown entry stays 0: a predicted
 * "unknown" matches no human. The VQA metric reads these to score a predicted class.
 */
export function answerCounts(annotation: Pick<VqaAnnotation, 'answers'>, vocab: AnswerVocab): Float32Array {
  return countsOverVocab(humanAnswerCounts(annotation), vocab);
}

function countsOverVocab(humanCounts: ReadonlyMap<string, number>, vocab: AnswerVocab): Float32Array {
  const out = new Float32Array(vocab.size);
  for (const [answer, count] of humanCounts) {
    const index = vocab.indexOf(answer);
    if (index >= 0) out[index] = count;
  }
  return out;
}

/** What {@link softTargets} returns. */
export interface SoftTargets {
  /** One score per vocabulary answer, [A]. */
  readonly scores: Float32Array;
  /** Human answers (of the question's ten) not in the vocabulary. */
  readonly outOfVocabulary: number;
}

/**
 * Dense soft targets over `vocab` for binary cross-entropy, scored `leave-one-out` by default
 * (bottom-up attention's, LXMERT's, MCAN's and ViLBERT's `get_score`: 0.3, 0.6, 0.9, 1). Human
 * answers outside the vocabulary get no target and are counted in `outOfVocabulary`; the unknown
 * entry's target stays 0, as MMF's VQAAnswerProcessor leaves UNK_INDEX (a predicted unknown entry
 * matches no human, so training towards it could only cost accuracy).
 * @example
 * const { scores } = softTargets(annotation, vocab);
 */
export function softTargets(annotation: Pick<VqaAnnotation, 'answers'>, vocab: AnswerVocab, scoring: VqaScoring = 'leave-one-out'): SoftTargets {
  return softTargetsFrom(humanAnswerCounts(annotation), annotation.answers.length, vocab, scoring);
}

/** {@link softTargets} from counts already taken (each answer is normalised once per example). */
function softTargetsFrom(humanCounts: ReadonlyMap<string, number>, humans: number, vocab: AnswerVocab, scoring: VqaScoring): SoftTargets {
  if (scoring !== 'capped' && scoring !== 'leave-one-out') {
    throw new RangeError(`softTargets: scoring must be 'capped' or 'leave-one-out', got ${JSON.stringify(scoring)}`);
  }
  const score = (count: number): number => (scoring === 'capped' ? cappedScore(count) : leaveOneOutScore(count, humans));
  const scores = new Float32Array(vocab.size);
  let outOfVocabulary = 0;
  for (const [answer, count] of humanCounts) {
    const index = vocab.indexOf(answer);
    if (index < 0) outOfVocabulary += count;
    else if (index !== vocab.unknownIndex) scores[index] = score(count);
  }
  return { scores, outOfVocabulary };
}

/** The fields of one VQA example that do not depend on image features (see {@link vqaExampleFields}). */
export interface VqaExampleFields {
  readonly questionId: number;
  readonly imageId: number;
  /** Soft targets [A] for the loss. */
  readonly targets: HostTensor;
  /** Human counts per answer [A] for the `vqa2-accuracy` metric. */
  readonly answerCounts: HostTensor;
  /** Index in VQA_ANSWER_TYPES, or -1. */
  readonly answerType: number;
  /** Index in VQA_QUESTION_TYPES, or -1. */
  readonly questionType: number;
}

/**
 * The target side of a dataset example: ids, soft targets, counts and type codes, ready to be
 * joined with the question's tokens and the image's region features.
 * @example
 * const fields = vqaExampleFields(examples[0], vocab);
 */
export function vqaExampleFields(example: VqaExample, vocab: AnswerVocab, scoring: VqaScoring = 'leave-one-out'): VqaExampleFields {
  const shape = [vocab.size];
  const humanCounts = humanAnswerCounts(example);
  return {
    questionId: example.questionId,
    imageId: example.imageId,
    targets: { data: softTargetsFrom(humanCounts, example.answers.length, vocab, scoring).scores, shape },
    answerCounts: { data: countsOverVocab(humanCounts, vocab), shape },
    answerType: answerTypeCode(example.answerType),
    questionType: questionTypeCode(example.questionType),
  };
}
