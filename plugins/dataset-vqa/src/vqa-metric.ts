// The `vqa2-accuracy` metric: the official VQA accuracy of the predicted class (the argmax of the
// answer logits), from how many humans gave each vocabulary answer, overall or for one answer
// type or question type.
import { readOptions, type Batch, type Metric, type MetricProvider, type ModelOutput, type OptionReader } from '@crossmodal/core';
import { fmt, type Tensor, type TypedArray } from '@crossmodal/tensor';
import { VQA_ANSWER_TYPES, VQA_QUESTION_TYPES, answerTypeCode, questionTypeCode } from './answer-tables.ts';
import { leaveOneOutScore } from './soft-targets.ts';

const NAME = 'vqa2-accuracy';

/** The options of `vqa2-accuracy`, validated. */
interface Vqa2AccuracyOptions {
  /** Batch field of human counts per answer [B, A] (default `answerCounts`). */
  readonly counts: string;
  /** Humans per question (10 in VQA 2.0). */
  readonly humans: number;
  /** Only rows whose `answerType` field holds this code (an index in VQA_ANSWER_TYPES). */
  readonly answerType?: { readonly code: number; readonly field: string };
  /** Only rows whose `questionType` field holds this code (an index in VQA_QUESTION_TYPES). */
  readonly questionType?: { readonly code: number; readonly field: string };
}

/** Index of the largest value of row `r` (the first on ties, as torch.argmax); a NaN logit is an error, never a silent answer 0. */
function argmaxRow(data: TypedArray, r: number, classes: number): number {
  let best = 0;
  for (let c = 0; c < classes; c++) {
    if (Number.isNaN(data[r * classes + c]!)) throw new RangeError(`${NAME}: logit at row ${r}, column ${c} is NaN`);
    if (data[r * classes + c]! > data[r * classes + best]!) best = c;
  }
  return best;
}

/** The host values of a batch field, checked to hold `size` values. */
async function fieldData(batch: Batch, field: string, size: number, what: string): Promise<TypedArray> {
  const tensor: Tensor | undefined = batch[field];
  if (!tensor) throw new Error(`${NAME}: the batch has no field '${field}' (${what}; batch fields: ${Object.keys(batch).join(', ') || 'none'})`);
  if (tensor.size !== size) throw new Error(`${NAME}: batch field '${field}' ${fmt(tensor.shape)} must hold ${size} values (${what})`);
  return tensor.data();
}

class Vqa2Accuracy implements Metric {
  readonly higherIsBetter = true;
  #score = 0;
  #total = 0;

  constructor(
    readonly name: string,
    private readonly options: Vqa2AccuracyOptions,
  ) {}

  async update(output: ModelOutput, batch: Batch): Promise<void> {
    const { logits } = output;
    const classes = logits.shape.at(-1) ?? 0;
    if (classes === 0) throw new Error(`${NAME}: logits must be [..., A] with A > 0 answers, got ${fmt(logits.shape)}`);
    const rows = logits.size / classes;
    const { counts: countsField, humans, answerType, questionType } = this.options;
    const [scores, counts] = await Promise.all([logits.data(), fieldData(batch, countsField, rows * classes, 'human counts per answer, like the logits')]);
    // Each filter keeps the rows whose type field holds its code.
    const filters: { values: TypedArray; code: number }[] = [];
    for (const [filter, what] of [[answerType, 'answer type'], [questionType, 'question type']] as const) {
      if (filter) filters.push({ values: await fieldData(batch, filter.field, rows, `${what} codes, one per row`), code: filter.code });
    }
    for (let r = 0; r < rows; r++) {
      if (filters.some(({ values, code }) => values[r] !== code)) continue;
      const predicted = argmaxRow(scores, r, classes);
      const count = counts[r * classes + predicted]!;
      if (!(Number.isInteger(count) && count >= 0 && count <= humans)) {
        throw new RangeError(`${NAME}: '${countsField}' row ${r}, answer ${predicted}: ${count} is not a count of humans in [0, ${humans}]`);
      }
      this.#score += leaveOneOutScore(count, humans);
      this.#total++;
    }
  }

  /** The mean accuracy; NaN before any (matching) row, so an empty subset never reports a perfect score. */
  compute(): number {
    return this.#total === 0 ? Number.NaN : this.#score / this.#total;
  }

  reset(): void {
    this.#score = 0;
    this.#total = 0;
  }
}

/** Reads the type filter `option` (a type name) into its code, or undefined when it is not set. */
function typeFilter(
  config: Readonly<Record<string, unknown>>,
  o: OptionReader,
  option: 'answerType' | 'questionType',
): { code: number; field: string } | undefined {
  const value = config[option];
  if (value === undefined) return undefined;
  const known = option === 'answerType' ? VQA_ANSWER_TYPES : VQA_QUESTION_TYPES;
  const code = typeof value === 'string' ? (option === 'answerType' ? answerTypeCode(value) : questionTypeCode(value)) : -1;
  if (code < 0) {
    const list = option === 'answerType' ? known.join(', ') : `the ${known.length} VQA_QUESTION_TYPES, e.g. ${known.slice(0, 3).join(', ')}`;
    throw new RangeError(`${NAME}: ${option} must be one of ${list}; got ${JSON.stringify(value)}`);
  }
  return { code, field: o.string(`${option}Field`, option) };
}

/** The reported name: `vqa2-accuracy`, plus `/yes-no`, `/what-color-is-the`… for each filter. */
function reportedName(config: Readonly<Record<string, unknown>>, options: Vqa2AccuracyOptions): string {
  const slug = (text: unknown): string => String(text).replace(/[\s/]+/g, '-');
  return [NAME, ...(options.answerType ? [slug(config['answerType'])] : []), ...(options.questionType ? [slug(config['questionType'])] : [])].join('/');
}

/**
 * `vqa2-accuracy`: config `{ counts?, humans?, answerType?, questionType?, answerTypeField?, questionTypeField? }`.
 * With counts from `answerCounts` for every question of the evaluated split, the value equals the
 * official (2021) accuracy of the decoded predictions, provided that an answer all ten humans agree
 * on is already in normalised form (as in VQA 2.0, whose answers were normalised when collected):
 * the official script compares such a question's answer as typed.
 * @example
 * runtime.metrics.create('vqa2-accuracy', { answerType: 'yes/no' }, { seed: 0 }).name; // 'vqa2-accuracy/yes-no'
 */
export const vqa2AccuracyMetric: MetricProvider = {
  name: NAME,
  description: 'Official VQA accuracy of the argmax answer (mean over the 10 leave-one-out subsets of min(#humans/3, 1)); per answer or question type by option',
  paper: 'https://arxiv.org/abs/1612.00837',
  create: (config) => {
    const o = readOptions(NAME, config, ['counts', 'humans', 'answerType', 'questionType', 'answerTypeField', 'questionTypeField']);
    const options: Vqa2AccuracyOptions = {
      counts: o.string('counts', 'answerCounts'),
      humans: o.int('humans', 10, 1),
      answerType: typeFilter(config, o, 'answerType'),
      questionType: typeFilter(config, o, 'questionType'),
    };
    return new Vqa2Accuracy(reportedName(config, options), options);
  },
};
