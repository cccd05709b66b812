// The vqa2-accuracy metric on the val fixture: it equals the official evaluation of the decoded
// predictions, overall and filtered by answer or question type, and checks its inputs.
import type { Batch } from '@crossmodal/core';
import { tensor } from '@crossmodal/tensor';
import { describe, expect, it } from 'vitest';
import { buildAnswerVocab } from './answer-vocab.ts';
import { FILES } from './fixtures.spec-helper.ts';
import { vqaExampleFields } from './soft-targets.ts';
import { evaluateVqa } from './vqa-eval.ts';
import { readVqa } from './vqa-files.ts';
import { vqa2AccuracyMetric } from './vqa-metric.ts';

const ctx = { seed: 0 };
const examples = await readVqa({ questions: FILES.valQuestions, annotations: FILES.valAnnotations });
const vocab = buildAnswerVocab(examples, { source: 'all-answers', unknown: '<unk>' });
const fields = examples.map((e) => vqaExampleFields(e, vocab, 'leave-one-out'));
const ints = (values: number[]) => tensor(values, [values.length], { dtype: 'int32' });
const batch: Batch = {
  answerCounts: tensor(fields.flatMap((f) => Array.from(f.answerCounts.data)), [fields.length, vocab.size]),
  answerType: ints(fields.map((f) => f.answerType)),
  questionType: ints(fields.map((f) => f.questionType)),
};

/** Logits [B, A] whose argmax is each of `answers`. */
function logitsFor(answers: string[]) {
  const rows = answers.map((a) => Array.from({ length: vocab.size }, (_, c) => (c === vocab.indexOf(a) ? 1 : 0)));
  return tensor(rows.flat(), [answers.length, vocab.size]);
}

describe('vqa2-accuracy', () => {
  it('equals the official evaluation of the decoded predictions', async () => {
    expect(vocab.answers).toEqual(['<unk>', 'yes', '4', 'white', '3', 'red', 'red and white', '2', 'no']);
    const answers = ['2', 'red', 'yes', 'no'];
    const metric = vqa2AccuracyMetric.create({}, ctx);
    expect([metric.name, metric.higherIsBetter]).toEqual(['vqa2-accuracy', true]);
    await metric.update({ logits: logitsFor(answers) }, batch);
    const official = evaluateVqa(examples, examples.map((e, i) => ({ questionId: e.questionId, answer: answers[i]! })));
    expect(metric.compute()).toBeCloseTo(official.overall, 12);
    expect(metric.compute()).toBeCloseTo((0.6 + 0.9 + 1 + 0.3) / 4, 12);
  });

  it('accumulates over batches until reset, and scores a predicted unknown entry 0', async () => {
    const metric = vqa2AccuracyMetric.create({}, ctx);
    await metric.update({ logits: logitsFor(['4', 'white', 'yes', 'yes']) }, batch); // 1 + 1 + 1 + 1
    await metric.update({ logits: logitsFor(['<unk>', '<unk>', '<unk>', '<unk>']) }, batch);
    expect(metric.compute()).toBe(0.5);
    metric.reset();
    expect(metric.compute()).toBeNaN();
  });

  it('refuses NaN logits by position instead of answering the first entry', async () => {
    const metric = vqa2AccuracyMetric.create({}, ctx);
    const logits = logitsFor(['2', 'red', 'yes', 'no']);
    const data = Float32Array.from(await logits.data());
    data[vocab.size + 3] = Number.NaN;
    await expect(metric.update({ logits: tensor(data, [4, vocab.size]) }, batch)).rejects.toThrow('vqa2-accuracy: logit at row 1, column 3 is NaN');
  });

  it('reports one answer type or question type under its own name', async () => {
    const logits = logitsFor(['2', 'red', 'yes', 'no']);
    const yesNo = vqa2AccuracyMetric.create({ answerType: 'yes/no' }, ctx);
    const howMany = vqa2AccuracyMetric.create({ questionType: 'how many' }, ctx);
    const both = vqa2AccuracyMetric.create({ answerType: 'other', questionType: 'what color is the' }, ctx);
    for (const m of [yesNo, howMany, both]) await m.update({ logits }, batch);
    expect([yesNo.name, howMany.name, both.name]).toEqual(['vqa2-accuracy/yes-no', 'vqa2-accuracy/how-many', 'vqa2-accuracy/other/what-color-is-the']);
    expect(yesNo.compute()).toBeCloseTo((1 + 0.3) / 2, 12);
    expect(howMany.compute()).toBeCloseTo(0.6, 12);
    expect(both.compute()).toBeCloseTo(0.9, 12);
  });

  it('reads the fields its config names', async () => {
    const metric = vqa2AccuracyMetric.create({ counts: 'humans', answerType: 'number', answerTypeField: 'kind' }, ctx);
    await metric.update({ logits: logitsFor(['3', 'red', 'yes', 'no']) }, { humans: batch['answerCounts']!, kind: batch['answerType']! });
    expect(metric.compute()).toBeCloseTo(0.9, 12);
  });

  it('names the missing or misshapen field and the bad count', async () => {
    const logits = logitsFor(['2', 'red', 'yes', 'no']);
    const metric = vqa2AccuracyMetric.create({ answerType: 'number' }, ctx);
    await expect(metric.update({ logits }, { answerCounts: batch['answerCounts']! })).rejects.toThrow(
      "vqa2-accuracy: the batch has no field 'answerType' (answer type codes, one per row; batch fields: answerCounts)",
    );
    await expect(metric.update({ logits }, { answerCounts: ints([1, 2]) })).rejects.toThrow(
      "vqa2-accuracy: batch field 'answerCounts' [2] must hold 36 values (human counts per answer, like the logits)",
    );
    const tooMany = tensor(Array.from({ length: 36 }, () => 11), [4, 9]);
    await expect(vqa2AccuracyMetric.create({}, ctx).update({ logits }, { answerCounts: tooMany })).rejects.toThrow(
      "vqa2-accuracy: 'answerCounts' row 0, answer 7: 11 is not a count of humans in [0, 10]",
    );
  });

  it('rejects bad options with the expected values', () => {
    expect(() => vqa2AccuracyMetric.create({ answerType: 'yes-no' }, ctx)).toThrow('vqa2-accuracy: answerType must be one of yes/no, number, other; got "yes-no"');
    expect(() => vqa2AccuracyMetric.create({ questionType: 'how much' }, ctx)).toThrow(
      'vqa2-accuracy: questionType must be one of the 65 VQA_QUESTION_TYPES, e.g. how many, is the, what; got "how much"',
    );
    expect(() => vqa2AccuracyMetric.create({ humans: 0 }, ctx)).toThrow('vqa2-accuracy: humans must be an integer ≥ 1, got 0');
    expect(() => vqa2AccuracyMetric.create({ counts: 3 }, ctx)).toThrow('vqa2-accuracy: counts must be a non-empty string, got 3');
    expect(() => vqa2AccuracyMetric.create({ answerType: 'number', answerTypeField: '' }, ctx)).toThrow(
      "vqa2-accuracy: answerTypeField must be a non-empty string, got ''",
    );
    // A misspelt option is an error, not a silently unfiltered metric.
    expect(() => vqa2AccuracyMetric.create({ answer_type: 'number' }, ctx)).toThrow("vqa2-accuracy: unknown option 'answer_type'");
  });
});
