// Accuracy per Sort-of-CLEVR question type, as the Relation Networks paper reports it: over the
// non-relational or relational questions, or one subtype. A metric reports one number, so a run
// lists one `sort-of-clevr-accuracy` per breakdown it wants.
import { readOptions, type Batch, type Metric, type MetricProvider, type ModelOutput } from '@crossmodal/core';
import { fmt } from '@crossmodal/tensor';
import { NON_RELATIONAL_SUBTYPES, SUBTYPES } from './questions.ts';

/** What a `sort-of-clevr-accuracy` metric counts: all questions, a kind, or one subtype. */
export const QUESTION_FILTERS = ['all', 'non-relational', 'relational', ...SUBTYPES] as const;
/** One of {@link QUESTION_FILTERS}. */
export type QuestionFilter = (typeof QUESTION_FILTERS)[number];

/** The subtype indices a filter keeps. */
export function subtypesOf(filter: QuestionFilter): readonly number[] {
  const all = SUBTYPES.map((_, i) => i);
  if (filter === 'all') return all;
  if (filter === 'non-relational') return all.filter((i) => i < NON_RELATIONAL_SUBTYPES);
  if (filter === 'relational') return all.filter((i) => i >= NON_RELATIONAL_SUBTYPES);
  return [SUBTYPES.indexOf(filter)];
}

/** Argmax accuracy over the rows whose subtype is kept. */
class QuestionTypeAccuracy implements Metric {
  readonly higherIsBetter = true;
  readonly name: string;
  readonly #keep: ReadonlySet<number>;
  #hits = 0;
  #total = 0;

  constructor(
    filter: QuestionFilter,
    private readonly target: string | undefined,
    private readonly subtypeField: string,
  ) {
    this.name = `accuracy-${filter}`;
    this.#keep = new Set(subtypesOf(filter));
  }

  async update(output: ModelOutput, batch: Batch): Promise<void> {
    const targetName = this.target ?? output.targets?.[0] ?? 'label';
    const target = this.#field(batch, targetName);
    const subtype = this.#field(batch, this.subtypeField);
    const classes = output.logits.shape.at(-1) ?? 0;
    const rows = classes === 0 ? 0 : output.logits.size / classes;
    if (output.logits.shape.length !== 2 || target.size !== rows || subtype.size !== rows) {
      throw new Error(
        `${this.name}: expected logits [B, C] with ${targetName} [B] and ${this.subtypeField} [B], got ${fmt(output.logits.shape)}, ${fmt(target.shape)} and ${fmt(subtype.shape)}`,
      );
    }
    const [logits, targets, subtypes] = await Promise.all([output.logits.data(), target.data(), subtype.data()]);
    for (let r = 0; r < rows; r++) {
      if (!this.#keep.has(subtypes[r]!)) continue;
      let best = 0; // the first of equal logits, as torch.argmax
      for (let c = 0; c < classes; c++) {
        // A NaN logit would lose every comparison and silently answer class 0: an error instead.
        if (Number.isNaN(logits[r * classes + c]!)) throw new RangeError(`${this.name}: logit at row ${r}, column ${c} is NaN`);
        if (logits[r * classes + c]! > logits[r * classes + best]!) best = c;
      }
      this.#total++;
      if (best === targets[r]) this.#hits++;
    }
  }

  /** The fraction of kept rows answered right; NaN before any, so an empty split never scores 1. */
  compute(): number {
    return this.#total === 0 ? Number.NaN : this.#hits / this.#total;
  }

  reset(): void {
    this.#hits = 0;
    this.#total = 0;
  }

  #field(batch: Batch, name: string) {
    const t = batch[name];
    if (!t) throw new Error(`${this.name}: the batch has no field '${name}' (batch fields: ${Object.keys(batch).join(', ') || 'none'})`);
    return t;
  }
}

/**
 * `sort-of-clevr-accuracy`: config `{ questions?, target?, subtypeField? }`; `questions` is one
 * of {@link QUESTION_FILTERS} (default `all`) and names the metric `accuracy-<questions>`.
 */
export const sortOfClevrAccuracyMetric: MetricProvider = {
  name: 'sort-of-clevr-accuracy',
  description: 'Answer accuracy over Sort-of-CLEVR questions of one type (non-relational, relational) or subtype; reports as accuracy-<questions>',
  paper: 'https://arxiv.org/abs/1706.01427',
  create: (config) => {
    const o = readOptions('sort-of-clevr-accuracy', config, ['questions', 'target', 'subtypeField']);
    const filter = o.oneOf('questions', 'all', QUESTION_FILTERS);
    return new QuestionTypeAccuracy(filter, o.string('target', undefined), o.string('subtypeField', 'questionSubtype'));
  },
};
