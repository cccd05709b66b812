// The two other Sort-of-CLEVR tasks, so every head type has something to learn: referring
// expressions ("the object closest to the red circle" → its region) and image–text matching
// (a statement built from a question, true or with its answer corrupted).
import type { Generator } from '@crossmodal/tensor';
import { ANSWERS, encodeQuestion, QUESTION_BITS, SUBTYPES, type Question } from './questions.ts';
import { COLORS, extremeFrom, SHAPES, type Scene } from './scene.ts';

/** Referring-expression kinds: the object itself, the one closest to it, the one furthest from it. */
export const REFERRING_KINDS = ['object', 'closest', 'furthest'] as const;
/** Expressions per image. */
export const EXPRESSIONS_PER_IMAGE = 10;
/** Length of the binary expression: 6 colour bits, 2 shape bits, 3 kind bits. */
export const EXPRESSION_BITS = COLORS.length + SHAPES.length + REFERRING_KINDS.length;

/** A referring expression: it names an anchor object by colour and shape; `target` is the colour of the referent. */
export interface Expression {
  /** Colour index of the anchor object named in the expression. */
  readonly color: number;
  /** Index into {@link REFERRING_KINDS}. */
  readonly kind: number;
  /** Colour index of the object it refers to. */
  readonly target: number;
}

/** The referent of an expression about `color`: that object, or its closest / furthest neighbour. */
export function referentOf(scene: Scene, color: number, kind: number): number {
  const k = REFERRING_KINDS[kind];
  if (k === undefined) throw new RangeError(`sort-of-clevr: referring kind must be an index in [0, ${REFERRING_KINDS.length}), got ${kind}`);
  return k === 'object' ? color : extremeFrom(scene, color, k);
}

/** Draws an image's expressions: each a uniform colour and a uniform kind. */
export function referringExpressions(scene: Scene, gen: Generator): Expression[] {
  return Array.from({ length: EXPRESSIONS_PER_IMAGE }, () => {
    const color = Math.floor(gen.uniform() * COLORS.length);
    const kind = Math.floor(gen.uniform() * REFERRING_KINDS.length);
    return { color, kind, target: referentOf(scene, color, kind) };
  });
}

/** The expression in English; the anchor is named by colour and shape ("the red circle"). */
export function expressionText(scene: Scene, e: Expression): string {
  const anchor = `the ${COLORS[e.color]} ${scene.objects[e.color]!.shape}`;
  const kind = REFERRING_KINDS[e.kind];
  if (kind === 'object') return anchor;
  return kind === 'closest' ? `the object closest to ${anchor}` : `the object furthest from ${anchor}`;
}

/** Binary expression: one-hot colour, one-hot anchor shape, one-hot kind. */
export function encodeExpression(scene: Scene, e: Expression): Float32Array {
  const bits = new Float32Array(EXPRESSION_BITS);
  bits[e.color] = 1;
  bits[COLORS.length + SHAPES.indexOf(scene.objects[e.color]!.shape)] = 1;
  bits[COLORS.length + SHAPES.length + e.kind] = 1;
  return bits;
}

/** The answers a subtype can have (a corrupted caption swaps in another of them). */
export function answersOfSubtype(subtype: number): readonly number[] {
  const names: readonly string[] = {
    shape: SHAPES, closest: SHAPES, furthest: SHAPES,
    horizontal: ['left', 'right'], vertical: ['top', 'bottom'], count: ['1', '2', '3', '4', '5', '6'],
  }[SUBTYPES[subtype]!];
  return names.map((n) => (ANSWERS as readonly string[]).indexOf(n));
}

/** A caption: a question's statement with an answer that is the true one or not. */
export interface Caption {
  readonly question: Question;
  /** Index into ANSWERS stated by the caption. */
  readonly stated: number;
  /** Whether the stated answer is the true one. */
  readonly matches: boolean;
}

/**
 * One caption per question: with probability 1/2 the true answer, else a uniform other answer
 * of the same subtype (so a corrupted caption is wrong about exactly one fact).
 */
export function captionsFor(questions: readonly Question[], gen: Generator): Caption[] {
  return questions.map((question) => {
    if (gen.uniform() < 0.5) return { question, stated: question.answer, matches: true };
    const others = answersOfSubtype(question.subtype).filter((a) => a !== question.answer);
    return { question, stated: others[Math.floor(gen.uniform() * others.length)]!, matches: false };
  });
}

/** The caption as an English statement. */
export function captionText(c: Caption): string {
  const color = COLORS[c.question.color];
  const answer = ANSWERS[c.stated];
  switch (SUBTYPES[c.question.subtype]) {
    case 'shape':
      return `The ${color} object is a ${answer}.`;
    case 'horizontal':
      return `The ${color} object is on the ${answer} of the image.`;
    case 'vertical':
      return `The ${color} object is at the ${answer} of the image.`;
    case 'closest':
      return `The object closest to the ${color} object is a ${answer}.`;
    case 'furthest':
      return `The object furthest from the ${color} object is a ${answer}.`;
    default:
      return `${answer === '1' ? 'Only 1 object has' : `${answer} objects have`} the shape of the ${color} object.`;
  }
}

/** Binary caption: the question's 11 bits then the stated answer one-hot over ANSWERS. */
export function encodeCaption(c: Caption): Float32Array {
  const bits = new Float32Array(QUESTION_BITS + ANSWERS.length);
  bits.set(encodeQuestion(c.question));
  bits[QUESTION_BITS + c.stated] = 1;
  return bits;
}
