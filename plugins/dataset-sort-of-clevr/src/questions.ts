// Sort-of-CLEVR questions: per scene 10 non-relational (shape; left or right; top or bottom) and
// 10 relational (shape of the closest object; of the furthest; how many share the shape), each
// as the paper's 11-bit encoding, as an English sentence and with an answer from a fixed vocabulary.
import type { Generator } from '@crossmodal/tensor';
import { centerOf, COLORS, extremeFrom, IMAGE_SIZE, type Scene } from './scene.ts';

/** Question subtypes; the first three are non-relational, the last three relational. */
export const SUBTYPES = ['shape', 'horizontal', 'vertical', 'closest', 'furthest', 'count'] as const;
/** One of {@link SUBTYPES}. */
export type Subtype = (typeof SUBTYPES)[number];
/** How many of {@link SUBTYPES} are non-relational (they come first). */
export const NON_RELATIONAL_SUBTYPES = 3;

/** The answer vocabulary; `label` is an index into it. */
export const ANSWERS = ['square', 'circle', 'left', 'right', 'top', 'bottom', '1', '2', '3', '4', '5', '6'] as const;
/** One of {@link ANSWERS}. */
export type Answer = (typeof ANSWERS)[number];

/** Questions of each kind per image (the paper's 10 + 10). */
export const QUESTIONS_PER_KIND = 10;
/** Questions per image. */
export const QUESTIONS_PER_IMAGE = 2 * QUESTIONS_PER_KIND;
/** Length of the binary question encoding: 6 colour bits, 2 type bits, 3 subtype bits (appendix D). */
export const QUESTION_BITS = COLORS.length + 2 + NON_RELATIONAL_SUBTYPES;

/** One question about a scene. */
export interface Question {
  /** The colour (index into COLORS) the question is about. */
  readonly color: number;
  /** Index into {@link SUBTYPES}. */
  readonly subtype: number;
  /** Index into {@link ANSWERS}. */
  readonly answer: number;
}

/** Whether a subtype index is relational. */
export const isRelational = (subtype: number): boolean => subtype >= NON_RELATIONAL_SUBTYPES;

const answerIndex = (answer: Answer): number => ANSWERS.indexOf(answer);

/**
 * The answer to question `subtype` about colour `color` in `scene`, recomputed from the object
 * positions: left/top when the centre is above/left of the canvas midline 37.5; closest and
 * furthest by Euclidean distance between centres (generateScene rules out ties); count includes
 * the object itself (1–6).
 */
export function answerFor(scene: Scene, color: number, subtype: number): number {
  const self = scene.objects[color];
  if (!self) throw new RangeError(`sort-of-clevr: colour must be an index in [0, ${COLORS.length}), got ${color}`);
  const [cx, cy] = centerOf(self);
  const half = IMAGE_SIZE / 2;
  switch (SUBTYPES[subtype]) {
    case 'shape':
      return answerIndex(self.shape);
    case 'horizontal':
      return answerIndex(cx < half ? 'left' : 'right');
    case 'vertical':
      return answerIndex(cy < half ? 'top' : 'bottom');
    case 'closest':
    case 'furthest': {
      const other = extremeFrom(scene, color, SUBTYPES[subtype] as 'closest' | 'furthest');
      if (other < 0) throw new Error(`sort-of-clevr: the ${SUBTYPES[subtype]} object to ${COLORS[color]} is tied, so the question has no single answer`);
      return answerIndex(scene.objects[other]!.shape);
    }
    case 'count': {
      const same = scene.objects.filter((o) => o.shape === self.shape).length;
      return answerIndex(String(same) as Answer);
    }
    default:
      throw new RangeError(`sort-of-clevr: subtype must be an index in [0, ${SUBTYPES.length}), got ${subtype}`);
  }
}

/**
 * Draws the image's 20 questions from `gen`: 10 non-relational then 10 relational, each with a
 * uniform colour and a uniform subtype of its kind (as the paper's generator does).
 */
export function askQuestions(scene: Scene, gen: Generator): Question[] {
  const questions: Question[] = [];
  for (let k = 0; k < QUESTIONS_PER_IMAGE; k++) {
    const color = Math.floor(gen.uniform() * COLORS.length);
    const offset = k < QUESTIONS_PER_KIND ? 0 : NON_RELATIONAL_SUBTYPES;
    const subtype = offset + Math.floor(gen.uniform() * NON_RELATIONAL_SUBTYPES);
    questions.push({ color, subtype, answer: answerFor(scene, color, subtype) });
  }
  return questions;
}

/**
 * The paper's binary question: bits 0–5 one-hot colour, bit 6 non-relational or bit 7
 * relational, bits 8–10 one-hot subtype within its kind.
 */
export function encodeQuestion(q: Question): Float32Array {
  const bits = new Float32Array(QUESTION_BITS);
  bits[q.color] = 1;
  bits[COLORS.length + (isRelational(q.subtype) ? 1 : 0)] = 1;
  bits[COLORS.length + 2 + (q.subtype % NON_RELATIONAL_SUBTYPES)] = 1;
  return bits;
}

/** The question as an English sentence (for a tokenizer), in the paper's wording. */
export function questionText(q: Question): string {
  const c = COLORS[q.color];
  switch (SUBTYPES[q.subtype]) {
    case 'shape':
      return `What is the shape of the ${c} object?`;
    case 'horizontal':
      return `Is the ${c} object on the left or right of the image?`;
    case 'vertical':
      return `Is the ${c} object on the top or bottom of the image?`;
    case 'closest':
      return `What is the shape of the object that is closest to the ${c} object?`;
    case 'furthest':
      return `What is the shape of the object that is furthest from the ${c} object?`;
    case 'count':
      return `How many objects have the same shape as the ${c} object?`;
    default:
      throw new RangeError(`sort-of-clevr: subtype must be an index in [0, ${SUBTYPES.length}), got ${q.subtype}`);
  }
}
