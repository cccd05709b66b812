// The answer vocabulary: the answers a VQA head scores, chosen from the training annotations by
// frequency (top-K) or by a minimum count, saved as JSON with the run and loaded back.
import { normalizeAnswer } from './normalize.ts';
import type { VqaAnnotation } from './vqa-format.ts';

/** The `format` tag of a saved vocabulary, checked on load. */
export const ANSWER_VOCAB_FORMAT = 'crossmodal/vqa-answer-vocab';

/** Options of {@link buildAnswerVocab}. */
export interface AnswerVocabOptions {
  /**
   * What is counted per question: `multiple-choice` (default), its multiple_choice_answer, as the
   * bottom-up-attention preprocessing does; `all-answers`, each of its human answers.
   */
  readonly source?: 'multiple-choice' | 'all-answers';
  /** Keep answers counted at least this often (default 1). */
  readonly minCount?: number;
  /** Then keep only the K most frequent (ties: the smaller string first). */
  readonly topK?: number;
  /**
   * An entry for answers outside the vocabulary, placed at index 0 (e.g. `<unk>`); `null` (the
   * default) means such answers have no index. A predicted unknown entry matches no human answer.
   */
  readonly unknown?: string | null;
}

/** The JSON a vocabulary saves as. */
export interface AnswerVocabJson {
  readonly format: typeof ANSWER_VOCAB_FORMAT;
  readonly version: 1;
  /** The unknown entry (at index 0 of `answers`), or null. */
  readonly unknown: string | null;
  /** Normalised answers, index = class. */
  readonly answers: readonly string[];
  /** Training counts, index-aligned with `answers` (0 for the unknown entry). */
  readonly counts: readonly number[];
}

/** Normalised answers ↔ class indices. */
export class AnswerVocab {
  readonly #index: ReadonlyMap<string, number>;

  /**
   * @param answers - normalised answers, index = class; the unknown entry, if any, among them.
   * @param counts - training counts, index-aligned.
   * @param unknown - the unknown entry or null.
   */
  constructor(
    readonly answers: readonly string[],
    readonly counts: readonly number[],
    readonly unknown: string | null = null,
  ) {
    if (counts.length !== answers.length) {
      throw new RangeError(`AnswerVocab: ${counts.length} counts for ${answers.length} answers; expected one count per answer`);
    }
    const index = new Map<string, number>();
    answers.forEach((answer, i) => {
      if (index.has(answer)) throw new RangeError(`AnswerVocab: answers[${i}] ${JSON.stringify(answer)} repeats answers[${index.get(answer)}]`);
      index.set(answer, i);
    });
    if (unknown !== null && !index.has(unknown)) {
      throw new RangeError(`AnswerVocab: the unknown entry ${JSON.stringify(unknown)} is not among the answers`);
    }
    this.#index = index;
  }

  /** Number of classes (the unknown entry included). */
  get size(): number {
    return this.answers.length;
  }

  /** Index of the unknown entry, or -1 when there is none. */
  get unknownIndex(): number {
    return this.unknown === null ? -1 : this.#index.get(this.unknown)!;
  }

  /** Index of an answer that is already normalised, or -1 when it is not in the vocabulary. */
  indexOf(normalizedAnswer: string): number {
    return this.#index.get(normalizedAnswer) ?? -1;
  }

  /**
   * Class of a raw answer (normalised first): its index, else the unknown entry's, else -1.
   * @example
   * vocab.encode('Two'); // the index of '2'
   */
  encode(answer: string): number {
    const index = this.indexOf(normalizeAnswer(answer));
    return index >= 0 ? index : this.unknownIndex;
  }

  /** The answer string of class `index`. */
  decode(index: number): string {
    const answer = this.answers[index];
    if (answer === undefined) throw new RangeError(`AnswerVocab: class ${index} is outside [0, ${this.size})`);
    return answer;
  }

  /** The JSON to save with a run. */
  toJSON(): AnswerVocabJson {
    return { format: ANSWER_VOCAB_FORMAT, version: 1, unknown: this.unknown, answers: this.answers, counts: this.counts };
  }

  /**
   * Reads a saved vocabulary, naming `file` and the field when it is not one.
   * @example
   * const vocab = AnswerVocab.fromJSON(JSON.parse(text), 'run/answer-vocab.json');
   */
  static fromJSON(json: unknown, file: string): AnswerVocab {
    const bad = (field: string, expected: string, value: unknown): never => {
      const got = value === undefined ? 'missing' : `got ${JSON.stringify(value)?.slice(0, 60)}`;
      throw new TypeError(`${file}: ${field}: ${got}, expected ${expected}`);
    };
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return bad('(top level)', 'an answer vocabulary object', json);
    const o = json as Record<string, unknown>;
    if (o['format'] !== ANSWER_VOCAB_FORMAT) bad('format', JSON.stringify(ANSWER_VOCAB_FORMAT), o['format']);
    if (o['version'] !== 1) bad('version', '1', o['version']);
    const { answers, counts, unknown } = o;
    if (unknown !== null && typeof unknown !== 'string') bad('unknown', 'a string or null', unknown);
    if (!Array.isArray(answers)) return bad('answers', 'an array of strings', answers);
    answers.forEach((a, i) => typeof a !== 'string' && bad(`answers[${i}]`, 'a string', a));
    if (!Array.isArray(counts)) return bad('counts', 'an array of counts', counts);
    counts.forEach((c, i) => !(Number.isInteger(c) && c >= 0) && bad(`counts[${i}]`, 'a count (an integer ≥ 0)', c));
    try {
      return new AnswerVocab(answers as string[], counts as number[], unknown as string | null);
    } catch (error) {
      throw new TypeError(`${file}: ${(error as Error).message}`, { cause: error });
    }
  }
}

function positiveInteger(option: string, value: number | undefined): number | undefined {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
    throw new RangeError(`buildAnswerVocab: ${option} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Builds a vocabulary from training annotations: answers normalised, counted, filtered by
 * `minCount`, sorted by count (descending) then string, cut to `topK`.
 * @example
 * // bottom-up attention's compute_softscore.py uses a minimum count of 9 over train+val (its 3,129-answer list).
 * const vocab = buildAnswerVocab(train.annotations, { minCount: 9, unknown: '<unk>' });
 */
export function buildAnswerVocab(annotations: readonly VqaAnnotation[], options: AnswerVocabOptions = {}): AnswerVocab {
  const { source = 'multiple-choice', unknown = null } = options;
  if (source !== 'multiple-choice' && source !== 'all-answers') {
    throw new RangeError(`buildAnswerVocab: source must be 'multiple-choice' or 'all-answers', got ${JSON.stringify(source)}`);
  }
  const minCount = positiveInteger('minCount', options.minCount) ?? 1;
  const topK = positiveInteger('topK', options.topK);
  const counts = new Map<string, number>();
  for (const a of annotations) {
    const raw = source === 'multiple-choice' ? [a.multipleChoiceAnswer] : a.answers.map((h) => h.answer);
    for (const answer of raw.map(normalizeAnswer)) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  }
  if (unknown !== null && counts.has(unknown)) {
    throw new RangeError(`buildAnswerVocab: the unknown entry ${JSON.stringify(unknown)} is also a training answer; choose another`);
  }
  const kept = [...counts].filter(([, n]) => n >= minCount).sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0));
  const chosen = topK === undefined ? kept : kept.slice(0, topK);
  const head = unknown === null ? [] : [[unknown, 0] as const];
  const entries = [...head, ...chosen];
  return new AnswerVocab(entries.map(([a]) => a), entries.map(([, n]) => n), unknown);
}
