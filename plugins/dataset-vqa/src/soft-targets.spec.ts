// Soft targets and the per-answer scores: the leave-one-out score checked against its definition
// (the ten subsets enumerated), hand-computed values, and targets built from the train fixture.
import { describe, expect, it } from 'vitest';
import { buildAnswerVocab } from './answer-vocab.ts';
import { FILES, fixtureJson } from './fixtures.spec-helper.ts';
import { answerCounts, cappedScore, leaveOneOutScore, softTargets, vqaExampleFields } from './soft-targets.ts';
import { joinVqa, parseVqaAnnotations, parseVqaQuestions } from './vqa-format.ts';

const train = joinVqa(
  parseVqaQuestions(fixtureJson(FILES.trainQuestions), 'q.json'),
  parseVqaAnnotations(fixtureJson(FILES.trainAnnotations), 'a.json'),
);
const [net, , , , people] = train; // net ×7 (with "the net"), netting ×2, mesh ×1 | "2" ×7 (with "two"), "3" ×3

describe('scores', () => {
  it('matches min(1, matches/3) averaged over the ten explicit leave-one-out subsets', () => {
    for (let count = 0; count <= 10; count++) {
      const humans = Array.from({ length: 10 }, (_, i) => i < count);
      let sum = 0;
      for (let left = 0; left < 10; left++) sum += Math.min(1, humans.filter((h, i) => h && i !== left).length / 3);
      expect(leaveOneOutScore(count)).toBeCloseTo(sum / 10, 12);
    }
  });

  it('gives the hand-computed values', () => {
    // 2 of 10: leaving out one of the two leaves 1 match (1/3), twice; anyone else leaves 2 (2/3), 8 times.
    expect(leaveOneOutScore(2)).toBeCloseTo((2 * (1 / 3) + 8 * (2 / 3)) / 10, 12);
    expect(leaveOneOutScore(2)).toBeCloseTo(0.6, 12);
    // 3 of 10: 3 subsets with 2 matches (2/3), 7 with 3 (1) → 0.9, while the capped score is already 1.
    expect([leaveOneOutScore(3), cappedScore(3)]).toEqual([0.9, 1]);
    expect([0, 1, 4, 10].map((c) => leaveOneOutScore(c))).toEqual([0, 0.3, 1, 1]);
    expect([0, 1, 2, 4].map(cappedScore)).toEqual([0, 1 / 3, 2 / 3, 1]);
    expect(leaveOneOutScore(1, 3)).toBeCloseTo(2 / 9, 12); // 3 humans: (1 · 0 + 2 · 1/3) / 3
  });

  it('rejects a count outside [0, humans]', () => {
    expect(() => leaveOneOutScore(11)).toThrow('leaveOneOutScore: expected integers 0 ≤ count ≤ humans, humans ≥ 1; got count 11, humans 10');
  });
});

describe('softTargets', () => {
  const vocab = buildAnswerVocab(train, { source: 'all-answers', minCount: 3 }); // yes pitcher 2 net orange no 3 red
  const withUnknown = buildAnswerVocab(train, { source: 'all-answers', minCount: 3, unknown: '<unk>' });

  it('scores each normalised human answer in the vocabulary and counts the ones outside it', () => {
    const capped = softTargets(people!, vocab, 'capped');
    expect(Array.from(capped.scores)).toEqual([0, 0, 1, 0, 0, 0, 1, 0]);
    expect(capped.outOfVocabulary).toBe(0);
    const official = softTargets(people!, vocab, 'leave-one-out');
    expect(Array.from(official.scores)).toEqual([0, 0, 1, 0, 0, 0, Math.fround(0.9), 0]);
    const outside = softTargets(net!, vocab, 'capped'); // netting ×2 and mesh ×1 are not in it
    expect([Array.from(outside.scores), outside.outOfVocabulary]).toEqual([[0, 0, 0, 1, 0, 0, 0, 0], 3]);
  });

  it('scores leave-one-out by default, as bottom-up attention’s get_score that LXMERT, MCAN and ViLBERT train on', () => {
    // "3" was given by 3 of 10 humans: get_score(3) = 0.9, where min(1, 3/3) would say 1.
    expect(Array.from(softTargets(people!, vocab).scores)).toEqual([0, 0, 1, 0, 0, 0, Math.fround(0.9), 0]);
    expect(vqaExampleFields(people!, vocab).targets.data[6]).toBe(Math.fround(0.9));
  });

  it('never targets the unknown entry (MMF leaves UNK_INDEX at 0), while counting answers outside the vocabulary', () => {
    for (const scoring of ['leave-one-out', 'capped'] as const) {
      const { scores, outOfVocabulary } = softTargets(net!, withUnknown, scoring);
      expect([Array.from(scores), outOfVocabulary]).toEqual([[0, 0, 0, 0, 1, 0, 0, 0, 0], 3]);
    }
    expect(() => softTargets(net!, vocab, 'soft' as never)).toThrow("softTargets: scoring must be 'capped' or 'leave-one-out', got \"soft\"");
  });

  it('counts the humans per vocabulary answer, never for the unknown entry', () => {
    expect(Array.from(answerCounts(net!, withUnknown))).toEqual([0, 0, 0, 0, 7, 0, 0, 0, 0]);
    expect(Array.from(answerCounts(people!, vocab))).toEqual([0, 0, 7, 0, 0, 0, 3, 0]);
  });

  it('gathers the target fields of an example with its type codes', () => {
    const fields = vqaExampleFields(people!, vocab, 'leave-one-out');
    expect([fields.questionId, fields.imageId, fields.answerType, fields.questionType]).toEqual([262146001, 262146, 1, 0]);
    expect([fields.targets.shape, fields.answerCounts.shape, fields.answerCounts.data[2]]).toEqual([[8], [8], 7]);
  });
});
