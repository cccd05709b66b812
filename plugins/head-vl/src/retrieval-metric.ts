// Retrieval recall@k from a score matrix [queries, candidates]: the fraction of queries with a
// correct candidate among their k highest scores (image→text or text→image, as ViLBERT/UNITER
// report R@1/5/10). Ties count against the query, so a constant scorer gets 0, not 1.
import { readOptions, type Batch, type Metric, type MetricProvider, type ModelOutput } from '@crossmodal/core';
import { fmt, type Tensor, type TypedArray } from '@crossmodal/tensor';

/**
 * How many queries of `scores` (row-major [queries, candidates]) hit within the top `k`.
 * `positives` is either one correct candidate index per query (negative: skipped, as padding) or
 * a [queries, candidates] 0/1 matrix (several correct candidates, e.g. COCO's five captions per
 * image; a row with none is skipped), told apart by length unless `multiHot` says. A query hits when fewer than `k` wrong candidates score at
 * least as high as its best correct one.
 * @example
 * recallHits(new Float32Array([0.9, 0.1, 0.2, 0.8]), 2, 2, [1, 1], 1);   // { hits: 1, queries: 2 }
 */
export function recallHits(
  scores: ArrayLike<number>, queries: number, candidates: number, positives: ArrayLike<number>, k: number,
  multiHot = positives.length !== queries,
): { hits: number; queries: number } {
  if (positives.length !== (multiHot ? queries * candidates : queries)) {
    throw new RangeError(`recall@${k}: targets must hold one index per query (${queries}) or a ${queries}×${candidates} 0/1 matrix, got ${positives.length} values`);
  }
  let hits = 0;
  let counted = 0;
  for (let q = 0; q < queries; q++) {
    const row = q * candidates;
    const isPositive = (c: number): boolean => (multiHot ? positives[row + c]! > 0 : positives[q] === c);
    if (!multiHot && (positives[q]! >= candidates || !Number.isInteger(positives[q]))) {
      throw new RangeError(`recall@${k}: target ${positives[q]} of query ${q} is not a candidate index in [0, ${candidates})`);
    }
    let best = Number.NEGATIVE_INFINITY;
    let any = false;
    for (let c = 0; c < candidates; c++) {
      const s = scores[row + c]!;
      if (Number.isNaN(s)) throw new RangeError(`recall@${k}: score of query ${q}, candidate ${c} is NaN`);
      if (isPositive(c)) {
        any = true;
        best = Math.max(best, s);
      }
    }
    if (!any) continue; // padding, or a query without a correct candidate
    counted++;
    let above = 0;
    for (let c = 0; c < candidates; c++) if (!isPositive(c) && scores[row + c]! >= best) above++;
    if (above < k) hits++;
  }
  return { hits, queries: counted };
}

/** Accumulates recall@k over batches whose logits are score matrices [queries, candidates]. */
class RecallAtK implements Metric {
  readonly higherIsBetter = true;
  readonly name: string;
  #hits = 0;
  #queries = 0;

  constructor(private readonly k: number, private readonly target: string | undefined) {
    this.name = `recall@${k}`;
  }

  async update(output: ModelOutput, batch: Batch): Promise<void> {
    const scores = output.logits;
    if (scores.rank !== 2) throw new Error(`${this.name}: logits must be a score matrix [queries, candidates], got ${fmt(scores.shape)}`);
    const field = this.target ?? output.targets?.[0] ?? 'label';
    const target: Tensor | undefined = batch[field];
    if (!target) throw new Error(`${this.name}: the batch has no target field '${field}' (batch fields: ${Object.keys(batch).join(', ') || 'none'}); set the metric's target option`);
    const [queries, candidates] = scores.shape as [number, number];
    const data: TypedArray = await scores.data();
    const { hits, queries: counted } = recallHits(data, queries, candidates, await target.data(), this.k, target.rank === 2);
    this.#hits += hits;
    this.#queries += counted;
  }

  compute(): number {
    return this.#queries === 0 ? Number.NaN : this.#hits / this.#queries;
  }

  reset(): void {
    this.#hits = 0;
    this.#queries = 0;
  }
}

const recallProvider = (name: string, fixedK?: number): MetricProvider => ({
  name,
  description: `Retrieval recall@${fixedK ?? 'k'}: queries whose correct candidate is among the ${fixedK ?? 'k'} best of a [queries, candidates] score matrix${fixedK === undefined ? ' (reports as recall@<k>)' : ''}`,
  create: (config) => {
    const o = readOptions(name, config, fixedK === undefined ? ['k', 'target'] : ['target']);
    return new RecallAtK(fixedK ?? o.int('k', undefined, 1), o.string('target', undefined));
  },
});

/** `recall-at-k`: config `{ k, target? }`; reports as `recall@<k>`. */
export const recallAtKMetric = recallProvider('recall-at-k');
/** `recall-at-1`, reporting as `recall@1`. */
export const recallAt1Metric = recallProvider('recall-at-1', 1);
/** `recall-at-5`, reporting as `recall@5`. */
export const recallAt5Metric = recallProvider('recall-at-5', 5);
/** `recall-at-10`, reporting as `recall@10`. */
export const recallAt10Metric = recallProvider('recall-at-10', 10);
