// Questions: every answer agrees with the scene geometry recomputed here from the object
// positions (an oracle written separately), the binary encoding follows appendix D, and the
// sentences name the colour.
import { Generator } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { answerFor, ANSWERS, askQuestions, encodeQuestion, QUESTION_BITS, questionText, SUBTYPES, type Question } from './questions.ts';
import { COLORS, generateScene, type Scene } from './scene.ts';

/** The answer in words, from box corners alone (centre = corner + 5; the canvas midline is 75 / 2). */
function oracle(scene: Scene, q: Question): string {
  const centre = (i: number) => [scene.objects[i]!.x + 5, scene.objects[i]!.y + 5] as const;
  const [x, y] = centre(q.color);
  const byDistance = scene.objects
    .filter((o) => o.color !== q.color)
    .map((o) => ({ o, d: Math.hypot(centre(o.color)[0] - x, centre(o.color)[1] - y) }))
    .sort((a, b) => a.d - b.d);
  const self = scene.objects[q.color]!;
  switch (SUBTYPES[q.subtype]) {
    case 'shape': return self.shape;
    case 'horizontal': return x * 2 < 75 ? 'left' : 'right';
    case 'vertical': return y * 2 < 75 ? 'top' : 'bottom';
    case 'closest': return byDistance[0]!.o.shape;
    case 'furthest': return byDistance.at(-1)!.o.shape;
    default: return String(1 + byDistance.filter((e) => e.o.shape === self.shape).length);
  }
}

const sample = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const gen = new Generator(100 + i);
    const scene = generateScene(gen);
    return { scene, questions: askQuestions(scene, gen) };
  });

describe('askQuestions', () => {
  it('asks 10 non-relational then 10 relational questions whose answers match the geometry', () => {
    for (const { scene, questions } of sample(300)) {
      expect(questions).toHaveLength(20);
      expect(questions.slice(0, 10).every((q) => q.subtype < 3)).toBe(true);
      expect(questions.slice(10).every((q) => q.subtype >= 3)).toBe(true);
      for (const q of questions) expect(ANSWERS[q.answer]).toBe(oracle(scene, q));
    }
  });

  it('answers every subtype about every colour the way the oracle does', () => {
    for (const { scene } of sample(100)) {
      for (let color = 0; color < 6; color++) {
        for (let subtype = 0; subtype < 6; subtype++) {
          expect(ANSWERS[answerFor(scene, color, subtype)]).toBe(oracle(scene, { color, subtype, answer: -1 }));
        }
      }
    }
  });

  it('draws every colour, every subtype and every answer over many images', () => {
    const questions = sample(200).flatMap((s) => s.questions);
    expect(new Set(questions.map((q) => q.color)).size).toBe(6);
    expect(new Set(questions.map((q) => q.subtype)).size).toBe(6);
    expect(new Set(questions.map((q) => ANSWERS[q.answer])).size).toBe(ANSWERS.length);
  });

  it('is deterministic for one generator seed', () => {
    const a = sample(3);
    const b = sample(3);
    expect(a).toEqual(b);
  });
});

describe('answerFor', () => {
  it('names a colour or subtype out of range', () => {
    const scene = generateScene(new Generator(1));
    expect(() => answerFor(scene, 6, 0)).toThrow('sort-of-clevr: colour must be an index in [0, 6), got 6');
    expect(() => answerFor(scene, 0, 6)).toThrow('sort-of-clevr: subtype must be an index in [0, 6), got 6');
  });
});

describe('encodeQuestion', () => {
  it('sets the colour bit, the type bit and the subtype-within-type bit (11 bits)', () => {
    const bits = (color: number, subtype: number) => Array.from(encodeQuestion({ color, subtype, answer: 0 })).join('');
    expect(QUESTION_BITS).toBe(11);
    expect(bits(0, 0)).toBe('10000010100'); // red, non-relational, shape
    expect(bits(5, 2)).toBe('00000110001'); // yellow, non-relational, vertical
    expect(bits(2, 3)).toBe('00100001100'); // blue, relational, closest
    expect(bits(3, 5)).toBe('00010001001'); // orange, relational, count
  });
});

describe('questionText', () => {
  it('writes each subtype as an English question naming the colour', () => {
    const text = SUBTYPES.map((_, subtype) => questionText({ color: 3, subtype, answer: 0 }));
    expect(text).toEqual([
      'What is the shape of the orange object?',
      'Is the orange object on the left or right of the image?',
      'Is the orange object on the top or bottom of the image?',
      'What is the shape of the object that is closest to the orange object?',
      'What is the shape of the object that is furthest from the orange object?',
      'How many objects have the same shape as the orange object?',
    ]);
    expect(COLORS.map((_, color) => questionText({ color, subtype: 0, answer: 0 }).split(' ')[6])).toEqual([...COLORS]);
  });
});
