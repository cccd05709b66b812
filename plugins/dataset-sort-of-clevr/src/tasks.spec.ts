// Referring expressions and captions: wording, encodings, and corruption that changes one fact.
import { Generator } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { ANSWERS, askQuestions, SUBTYPES } from './questions.ts';
import { generateScene, type Scene } from './scene.ts';
import { answersOfSubtype, captionsFor, captionText, encodeCaption, encodeExpression, expressionText, referentOf } from './tasks.ts';

const at = (color: number, shape: 'square' | 'circle', x: number, y: number) => ({ color, shape, x, y });
// red at the top left; green nearest to it, yellow furthest.
const scene: Scene = {
  objects: [at(0, 'circle', 0, 0), at(1, 'square', 12, 0), at(2, 'square', 30, 30), at(3, 'circle', 0, 40), at(4, 'square', 50, 10), at(5, 'circle', 60, 62)],
};

describe('referring expressions', () => {
  it('names the anchor by colour and shape and finds the referent', () => {
    expect([0, 1, 2].map((kind) => expressionText(scene, { color: 0, kind, target: referentOf(scene, 0, kind) }))).toEqual([
      'the red circle', 'the object closest to the red circle', 'the object furthest from the red circle',
    ]);
    expect([0, 1, 2].map((kind) => referentOf(scene, 0, kind))).toEqual([0, 1, 5]);
    expect(Array.from(encodeExpression(scene, { color: 2, kind: 1, target: 4 })).join('')).toBe('00100010010');
    expect(() => referentOf(scene, 0, 3)).toThrow('sort-of-clevr: referring kind must be an index in [0, 3), got 3');
  });
});

describe('captions', () => {
  it('states each subtype in English', () => {
    const text = SUBTYPES.map((_, subtype) => captionText({ question: { color: 2, subtype, answer: 0 }, stated: [0, 2, 5, 1, 0, 8][subtype]!, matches: true }));
    expect(text).toEqual([
      'The blue object is a square.',
      'The blue object is on the left of the image.',
      'The blue object is at the bottom of the image.',
      'The object closest to the blue object is a circle.',
      'The object furthest from the blue object is a square.',
      '3 objects have the shape of the blue object.',
    ]);
    expect(captionText({ question: { color: 0, subtype: 5, answer: 6 }, stated: 6, matches: true })).toBe('Only 1 object has the shape of the red object.');
  });

  it('corrupts about half, always to another answer of the same subtype', () => {
    let corrupted = 0;
    let total = 0;
    for (let seed = 0; seed < 100; seed++) {
      const gen = new Generator(seed);
      const s = generateScene(gen);
      for (const c of captionsFor(askQuestions(s, gen), new Generator(seed + 1))) {
        total++;
        expect(answersOfSubtype(c.question.subtype)).toContain(c.stated);
        expect(c.matches).toBe(c.stated === c.question.answer);
        if (!c.matches) corrupted++;
        const bits = encodeCaption(c);
        expect([bits.length, bits[11 + c.stated], bits.reduce((a, b) => a + b, 0)]).toEqual([11 + ANSWERS.length, 1, 4]);
      }
    }
    expect(corrupted / total).toBeGreaterThan(0.45);
    expect(corrupted / total).toBeLessThan(0.55);
  });

  it('lists the answers each subtype can take', () => {
    expect(SUBTYPES.map((_, s) => answersOfSubtype(s).map((a) => ANSWERS[a]).join(' '))).toEqual([
      'square circle', 'left right', 'top bottom', 'square circle', 'square circle', '1 2 3 4 5 6',
    ]);
  });
});
